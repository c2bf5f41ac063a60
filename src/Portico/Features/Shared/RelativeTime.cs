using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Portico.Features.Shared;

/// A moment as a &lt;time&gt; element: the UTC moment for machines, and what the person reads from the subclass.
public abstract class TimeTagHelper : TagHelper
{
    public DateTime Value { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var at = DateTime.SpecifyKind(Value, DateTimeKind.Utc);
        output.TagName = "time";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("datetime", at.ToString("O", CultureInfo.InvariantCulture));
        Show(output, at, TimeZones.Exact(at, TimeZones.Of(ViewContext.HttpContext.User)));
    }

    /// Fills the element; exact is the moment in the person's time zone and language, zone named.
    protected abstract void Show(TagHelperOutput output, DateTime at, string exact);
}

/// <c>&lt;relative-time value="@at" /&gt;</c>: "3 hours ago", with the exact time in the person's time zone on hover and
/// the UTC moment for machines.
[HtmlTargetElement("relative-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class RelativeTimeTagHelper(TimeProvider clock) : TimeTagHelper
{
    protected override void Show(TagHelperOutput output, DateTime at, string exact)
    {
        output.Attributes.SetAttribute("title", exact);
        output.Content.SetContent(HumanText.Relative(at, clock.GetUtcNow().UtcDateTime));
    }
}

/// <c>&lt;exact-time value="@at" /&gt;</c>: the moment in the person's time zone and the current language's format,
/// zone named ("01.12.2026 22:41 Europe/Berlin").
[HtmlTargetElement("exact-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ExactTimeTagHelper : TimeTagHelper
{
    protected override void Show(TagHelperOutput output, DateTime at, string exact) => output.Content.SetContent(exact);
}
