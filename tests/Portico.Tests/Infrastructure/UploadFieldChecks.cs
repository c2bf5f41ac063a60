using AngleSharp.Dom;

namespace Portico.Tests.Infrastructure;

/// What an upload field (Features/Shared/_UploadField.cshtml) tells the browser, which checks files against it before sending.
public static class UploadFieldChecks
{
    /// The field's limits and types, and its file input, which posts under the given name without a script.
    public static IElement AssertLimits(IElement? field, long maxBytes, string maxSize, int maxFiles, IEnumerable<string> allowed, string name)
    {
        Assert.NotNull(field);
        Assert.Equal(maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), field.GetAttribute("data-max-bytes"));
        Assert.Equal(maxSize, field.GetAttribute("data-max-size"));
        Assert.Equal(maxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture), field.GetAttribute("data-max-files"));
        Assert.Equal(string.Join(" ", allowed), field.GetAttribute("data-allowed"));
        var input = field.QuerySelector("input[type=file]");
        Assert.NotNull(input);
        Assert.Equal(name, input.GetAttribute("name"));
        Assert.Equal(maxFiles > 1, input.HasAttribute("multiple"));
        Assert.Equal(string.Join(",", allowed), input.GetAttribute("accept"));
        return input;
    }
}
