using System.Reflection;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Portico.Features.Shared;

/// The colour family of a status badge; the text and icon carry the meaning too.
public enum Tone
{
    Info,
    Progress,
    Waiting,
    Success,
    Neutral,
    Danger,
}

/// How a status value looks as a badge; put on every member of an enum shown with <c>&lt;status-badge&gt;</c>,
/// next to its [Display(Name)].
[AttributeUsage(AttributeTargets.Field)]
public sealed class BadgeAttribute(Tone tone, Icon icon) : Attribute
{
    public Tone Tone { get; } = tone;
    public Icon Icon { get; } = icon;
}

public sealed record Badge(string Text, Tone Tone, Icon? Icon)
{
    /// The class that colours it, e.g. "tone-danger".
    public string ToneClass => "tone-" + Tone.ToString().ToLowerInvariant();
}

public static class StatusBadges
{
    /// The badge of an enum value from its attributes; a member without them shows its name in grey (a test forbids that).
    public static Badge For(Enum value)
    {
        var badge = Of(value);
        return new Badge(value.Human(), badge?.Tone ?? Tone.Neutral, badge?.Icon);
    }

    public static BadgeAttribute? Of(Enum value) =>
        value.GetType().GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<BadgeAttribute>();

    public static string Html(Badge badge) =>
        (badge.Icon is { } icon ? Icons.Svg(icon) : "") + System.Net.WebUtility.HtmlEncode(badge.Text);
}

/// <c>&lt;status-badge value="@request.Status" /&gt;</c>: colour, icon and the human name of a status.
/// A string value (a status a source system sent that the portal does not know) shows as it is, in grey.
[HtmlTargetElement("status-badge", TagStructure = TagStructure.WithoutEndTag)]
public sealed class StatusBadgeTagHelper : TagHelper
{
    public object? Value { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var badge = Value switch
        {
            Enum e => StatusBadges.For(e),
            null => new Badge("—", Tone.Neutral, null),
            var other => new Badge(other.ToString() ?? "", Tone.Neutral, null),
        };
        output.TagName = "span";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("status", HtmlEncoder.Default);
        output.AddClass(badge.ToneClass, HtmlEncoder.Default);
        output.Content.SetHtmlContent(StatusBadges.Html(badge));
    }
}
