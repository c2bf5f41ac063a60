using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;

namespace Portico.Infrastructure.Web;

/// Text from outside may not carry C0 control characters other than tab, line feed and carriage return:
/// PostgreSQL cannot store NUL at all, and the others only hide or garble text. Forms, query strings,
/// route values and JSON bodies (the API and integration batches) are all checked here, naming the field.
public static class ControlCharacters
{
    /// The first refused character, or null when the text is clean.
    public static char? Find(string? text)
    {
        if (text is null)
        {
            return null;
        }
        foreach (var c in text)
        {
            if (c < ' ' && c is not ('\t' or '\n' or '\r'))
            {
                return c;
            }
        }
        return null;
    }

    public static string Message(string field, char found) => HumanText.Localize(
        "{0} contains a control character (U+{1}); only text, tabs and line breaks are accepted.", field, ((int)found).ToString("X4", CultureInfo.InvariantCulture));

    /// Adds the string converters that refuse control characters to JSON options used for reading input.
    public static JsonSerializerOptions RefuseInJson(this JsonSerializerOptions options)
    {
        options.Converters.Add(new StringConverter());
        options.Converters.Add(new ElementConverter());
        return options;
    }

    /// The string converter hides from the API description that strings are text; this puts the type back.
    public static Task DescribeTextAsText(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo;
        if (type.Type == typeof(string) && schema.Type is null)
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (type.ElementType == typeof(string) && type.Kind == JsonTypeInfoKind.Enumerable)
        {
            schema.Items ??= new OpenApiSchema { Type = JsonSchemaType.String };
        }
        else if (type.ElementType == typeof(string) && type.Kind == JsonTypeInfoKind.Dictionary)
        {
            schema.AdditionalProperties ??= new OpenApiSchema { Type = JsonSchemaType.String };
        }
        return Task.CompletedTask;
    }

    /// Refuses form fields before a page sees them; query strings and route values are checked by the middleware.
    public static void RefuseInForms(this MvcOptions options) => options.Filters.Add(new RefuseInFormFilter());

    private static (string Name, char Found)? FirstIn(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        foreach (var (name, texts) in values)
        {
            if ((Find(name) ?? texts.Select(Find).FirstOrDefault(f => f is not null)) is { } found)
            {
                return (name, found);
            }
        }
        return null;
    }

    /// A control character in a JSON string; the reader adds where in the document it was.
    public sealed class JsonRefusal(char found, string? innerPath = null) : JsonException($"A control character (U+{(int)found:X4}) is not accepted in text.")
    {
        public char Found { get; } = found;

        /// Where inside a free-form value (custom fields) the character was, after the path the reader knows.
        public string InnerPath { get; } = innerPath ?? "";

        public string Describe(string? prefix = null) => Message(Field(prefix), Found);

        /// The field as the sender named it, such as "records[3].number".
        public string Field(string? prefix = null)
        {
            var path = FieldOf(this) + InnerPath;
            return string.IsNullOrEmpty(prefix) ? (path.Length == 0 ? "body" : path)
                : path.Length == 0 || path.StartsWith('[') ? prefix + path : prefix + "." + path;
        }
    }

    /// Where in the JSON body reading failed, as the sender names fields ("lines[0].amount"); empty for the body itself.
    public static string FieldOf(JsonException e) => (e.Path ?? "$").TrimStart('$').TrimStart('.');

    private sealed class StringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString()
                : throw new JsonException(); // the reader then gives its usual "could not be converted" message with the path
            return Find(text) is { } found ? throw new JsonRefusal(found) : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var name = reader.GetString()!;
            return Find(name) is { } found ? throw new JsonRefusal(found) : name;
        }

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
    }

    /// Free-form values (custom request fields) are checked all the way down.
    private sealed class ElementConverter : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var element = JsonElement.ParseValue(ref reader);
            return Check(element, "") is { } refusal ? throw refusal : element;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

        private static JsonRefusal? Check(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return Find(element.GetString()) is { } found ? new JsonRefusal(found, path) : null;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (Check(item, $"{path}[{index++}]") is { } inArray)
                        {
                            return inArray;
                        }
                    }
                    return null;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if ((Find(property.Name) is { } inName ? new JsonRefusal(inName, path) : Check(property.Value, $"{path}.{property.Name}")) is { } inObject)
                        {
                            return inObject;
                        }
                    }
                    return null;
                default:
                    return null;
            }
        }
    }

    /// The page never sees refused input; the error page says which field it was. Runs after the form limits of a page
    /// are set (order 900) and before the antiforgery check (order 1000), which reads the form and refuses it without saying why.
    private sealed class RefuseInFormFilter : IAsyncAuthorizationFilter, IOrderedFilter
    {
        public int Order => 950;

        public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
        {
            var http = context.HttpContext;
            // Not again for the error page that shows a refusal or another failure of the same request.
            if (!http.Request.HasFormContentType || http.Features.Get<RefusedInput>() is not null
                || http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerFeature>() is not null)
            {
                return;
            }
            if (await RefusalInFormAsync(http.Request) is { } refusal)
            {
                http.Features.Set(refusal);
                context.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
            }
        }

        private static async Task<RefusedInput?> RefusalInFormAsync(HttpRequest request)
        {
            var urlEncoded = !(request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ?? false);
            if (urlEncoded)
            {
                // Kept so a NUL the form reader refuses without naming the field can be found below.
                request.EnableBuffering();
            }
            try
            {
                return FirstIn(await request.ReadFormAsync(request.HttpContext.RequestAborted)) is { } refused ? new(Message(refused.Name, refused.Found)) : null;
            }
            catch (InvalidDataException) when (urlEncoded)
            {
                request.Body.Position = 0;
                using var reader = new StreamReader(request.Body, leaveOpen: true);
                var fields = QueryHelpers.ParseQuery(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
                return FirstIn(fields) is { } refused ? new(Message(refused.Name, refused.Found)) : new("The form could not be read.");
            }
        }
    }

    /// Query strings and route values of every request, pages and API alike, before anything reads them.
    public static IApplicationBuilder RefuseControlCharactersInUrls(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<RefusedInput>() is not null)
        {
            await next(context);
            return;
        }
        var route = context.Request.RouteValues.Select(r => KeyValuePair.Create(r.Key, new StringValues(r.Value as string)));
        if (FirstIn(context.Request.Query.Concat(route)) is { } refused)
        {
            var message = Message(refused.Name, refused.Found);
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [refused.Name] = [message] }).ExecuteAsync(context);
                return;
            }
            context.Features.Set(new RefusedInput(message));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        await next(context);
    });
}

/// Why the request's input was refused, for the error page to show.
public sealed record RefusedInput(string Message);

/// The API's answer to input it cannot read, including control characters in a JSON body: a 400 problem naming the field.
public sealed class BadApiInput(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || !httpContext.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }
        httpContext.Response.StatusCode = bad.StatusCode;
        // Handled after the request's culture was put back: its message is composed in the language chosen for it.
        using var language = ProblemTexts.InRequestLanguage(httpContext);
        var problem = bad.InnerException switch
        {
            ControlCharacters.JsonRefusal refusal => new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [refusal.Field()] = [refusal.Describe()],
            }),
            JsonException json => new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [ControlCharacters.FieldOf(json) is { Length: > 0 } path ? path : "body"] = ["This value could not be read; check its type against the API description."],
            }),
            _ => new ProblemDetails { Detail = bad.Message },
        };
        problem.Status = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
