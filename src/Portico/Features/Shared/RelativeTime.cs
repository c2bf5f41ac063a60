using System.Globalization;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Portico.Features.Shared;

/// <c>&lt;relative-time value="@at" /&gt;</c>: "3 hours ago", with the exact time (UTC) on hover and for machines.
[HtmlTargetElement("relative-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class RelativeTimeTagHelper(TimeProvider clock) : TagHelper
{
    public DateTime Value { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var at = DateTime.SpecifyKind(Value, DateTimeKind.Utc);
        output.TagName = "time";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("datetime", at.ToString("O", CultureInfo.InvariantCulture));
        output.Attributes.SetAttribute("title", at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        output.Content.SetContent(HumanText.Relative(at, clock.GetUtcNow().UtcDateTime));
    }
}
