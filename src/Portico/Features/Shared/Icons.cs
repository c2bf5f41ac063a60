using System.Collections.Frozen;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Portico.Features.Shared;

/// The portal's small icon set, drawn inline so it follows the text colour and needs no request.
public enum Icon
{
    Check,
    Clock,
    Alert,
    X,
    File,
    Invoice,
    Box,
    Chat,
    User,
    Pause,
    Progress,
    Inbox,
    Lock,
    Calendar,
    Truck,
    Undo,
    Search,
}

public static class Icons
{
    // 24×24 outlines, stroked with the current colour.
    private static readonly FrozenDictionary<Icon, string> Paths = new Dictionary<Icon, string>
    {
        [Icon.Check] = """<path d="M20 6 9 17l-5-5"/>""",
        [Icon.Clock] = """<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>""",
        [Icon.Alert] = """<path d="M12 3 2 21h20z"/><path d="M12 10v4M12 17.5v.5"/>""",
        [Icon.X] = """<path d="M18 6 6 18M6 6l12 12"/>""",
        [Icon.File] = """<path d="M14 3H6v18h12V7z"/><path d="M14 3v4h4"/>""",
        [Icon.Invoice] = """<path d="M6 3h12v18l-3-2-3 2-3-2-3 2z"/><path d="M9 8h6M9 12h6"/>""",
        [Icon.Box] = """<path d="m3 7 9-4 9 4v10l-9 4-9-4z"/><path d="m3 7 9 4 9-4M12 11v10"/>""",
        [Icon.Chat] = """<path d="M4 5h16v11H9l-5 4z"/>""",
        [Icon.User] = """<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>""",
        [Icon.Pause] = """<circle cx="12" cy="12" r="9"/><path d="M10 9v6M14 9v6"/>""",
        [Icon.Progress] = """<circle cx="12" cy="12" r="9"/><path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor"/>""",
        [Icon.Inbox] = """<path d="M3 13h5l1 3h6l1-3h5"/><path d="M5 5h14l2 8v6H3v-6z"/>""",
        [Icon.Lock] = """<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>""",
        [Icon.Calendar] = """<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>""",
        [Icon.Truck] = """<path d="M3 6h11v10H3zM14 10h4l3 3v3h-7"/><circle cx="7" cy="18" r="2"/><circle cx="17" cy="18" r="2"/>""",
        [Icon.Undo] = """<path d="M9 14 4 9l5-5"/><path d="M4 9h11a5 5 0 0 1 0 10h-3"/>""",
        [Icon.Search] = """<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>""",
    }.ToFrozenDictionary();

    /// Decorative: the text beside it says the same, so screen readers skip it.
    public static string Svg(Icon icon) =>
        $"""<svg class="icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{Paths[icon]}</svg>""";
}

/// <c>&lt;icon name="Icon.Check" /&gt;</c>
[HtmlTargetElement("icon", TagStructure = TagStructure.WithoutEndTag)]
public sealed class IconTagHelper : TagHelper
{
    public Icon Name { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        output.Content.SetHtmlContent(Icons.Svg(Name));
    }
}
