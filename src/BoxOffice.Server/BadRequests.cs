using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server;

/// <summary>
/// Maps <see cref="BadHttpRequestException"/> (unreadable or oversized input) to a 4xx problem instead of a 500,
/// in BoxOffice's own words: the framework's messages name parameters, .NET types and services a client never sees.
/// </summary>
internal sealed partial class BadRequestHandler(IProblemDetailsService problems, IOptions<JsonOptions> json) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
            return false;
        context.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Title = "Bad request", Detail = Explain(context, badRequest), Status = badRequest.StatusCode },
        });
    }

    /// <summary>
    /// Says what is wrong with a request that failed for its status alone. Some failures never reach the
    /// handler: a body over the size limit is only a 413 status by the time the status code pages write it.
    /// </summary>
    public static void ExplainStatus(ProblemDetailsContext problem)
    {
        problem.ProblemDetails.Detail ??= problem.ProblemDetails.Status switch
        {
            StatusCodes.Status413PayloadTooLarge =>
                problem.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                    ? $"The request body is too large (limit {limit} bytes)."
                    : "The request body is too large.",
            StatusCodes.Status415UnsupportedMediaType => "Send Content-Type: application/json.",
            _ => null,
        };
    }

    private string? Explain(HttpContext context, BadHttpRequestException badRequest)
    {
        // The exception handler has cleared the endpoint from the context; its feature keeps it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        return badRequest switch
        {
            { StatusCode: StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType } => null,
            { InnerException: JsonException error } => ExplainJson(error, bodyType),
            _ when bodyType is not null && context.Request.ContentLength is null or 0 => "This route needs a JSON body.",
            _ => "A value in the address is missing or not in the expected form.",
        };
    }

    private string ExplainJson(JsonException error, Type? bodyType)
    {
        // The reader's own exceptions (a JsonException inside) mean broken syntax; anything else is a value of the wrong kind.
        if (error.InnerException is JsonException || bodyType is null || error.Path is not { } path)
            return "The request body is not valid JSON for this route.";
        var expected = ExpectedAt(json.Value.SerializerOptions.GetTypeInfo(bodyType), path);
        var field = path.TrimStart('$').TrimStart('.');
        return (field, expected) switch
        {
            (_, null) => "The request body is not valid JSON for this route.",
            ("", _) => $"The request body has the wrong type: expected {expected}.",
            _ => $"Field '{field}' has the wrong type: expected {expected}.",
        };
    }

    /// <summary>What the field at a JSON path such as <c>$.seats[0].name</c> takes, from the body type's metadata; null if the path leads nowhere.</summary>
    private static string? ExpectedAt(JsonTypeInfo info, string path)
    {
        foreach (Match segment in PathSegment().Matches(path))
        {
            JsonTypeInfo? next;
            if (segment.Groups["index"].Success)
                next = info.ElementType is { } element ? info.Options.GetTypeInfo(element) : null;
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
                var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                next = property is null ? null : info.Options.GetTypeInfo(property.PropertyType);
            }
            if (next is null)
                return null;
            info = next;
        }
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => (Nullable.GetUnderlyingType(info.Type) ?? info.Type) switch
            {
                var type when type == typeof(bool) => "true or false",
                var type when type == typeof(string) || type == typeof(char) => "a string",
                var type when type.IsPrimitive || type == typeof(decimal) => "a number",
                _ => null,
            },
        };
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>(?:[^']|'')*)'\]")]
    private static partial Regex PathSegment();
}
