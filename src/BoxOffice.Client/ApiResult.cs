using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BoxOffice.Client;

/// <summary>
/// One answer of the server: its status, the headers callers act on, and the body as it came. The body is
/// read as a problem only when asked, so a caller that wants nothing but the status pays for nothing more.
/// </summary>
public class ApiResult
{
    private const string ProblemMediaType = "application/problem+json";

    private readonly HttpMethod _method;
    private readonly Uri? _uri;
    private Problem? _problem;

    internal ApiResult(HttpResponseMessage response, ReadOnlyMemory<byte> body)
    {
        _method = response.RequestMessage?.Method ?? HttpMethod.Get;
        _uri = response.RequestMessage?.RequestUri;
        Status = response.StatusCode;
        MediaType = response.Content.Headers.ContentType?.MediaType;
        RetryAfter = response.Headers.RetryAfter?.Delta;
        Location = response.Headers.Location;
        Body = body;
    }

    public HttpStatusCode Status { get; }

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The media type of the body, without its parameters: <c>application/json</c>, <c>application/problem+json</c>, <c>text/plain</c>.</summary>
    public string? MediaType { get; }

    /// <summary>How long a <c>429</c> or <c>503</c> asks the caller to wait.</summary>
    public TimeSpan? RetryAfter { get; }

    public Uri? Location { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public string Text => Encoding.UTF8.GetString(Body.Span);

    /// <summary>The RFC 7807 problem the server answered with, or null when the body is not one.</summary>
    public Problem? Problem => MediaType == ProblemMediaType
        ? _problem ??= JsonSerializer.Deserialize(Body.Span, ClientJson.Default.Problem)
        : null;

    /// <summary>Throws <see cref="ApiException"/> unless the status is 2xx.</summary>
    public ApiResult EnsureSuccess() => IsSuccess ? this : throw new ApiException(this, null);

    /// <summary>The request and its answer in one line, for errors and test failures.</summary>
    public override string ToString() =>
        $"{_method} {_uri?.PathAndQuery} answered {(int)Status} {Status}{(Problem is { } problem ? $": {problem.Title}{(problem.Detail is null ? "" : $" ({problem.Detail})")}" : "")}";
}

/// <summary>
/// An answer whose body, when the server sent the kind of body <typeparamref name="T"/> is read from, is
/// <see cref="Value"/>. A route that answers a problem on failure has no value then; the tutorial's routes
/// answer their own JSON either way, so theirs has one.
/// </summary>
public sealed class ApiResult<T> : ApiResult
{
    private readonly BodyFormat<T> _format;
    private T? _value;
    private bool _isRead;

    internal ApiResult(HttpResponseMessage response, ReadOnlyMemory<byte> body, BodyFormat<T> format)
        : base(response, body) => _format = format;

    /// <summary>The body as <typeparamref name="T"/>, read on first use; an <see cref="ApiException"/> when the server answered anything else.</summary>
    public T Value
    {
        get
        {
            if (!_isRead)
            {
                if (MediaType != _format.MediaType)
                    throw new ApiException(this, $"expected {_format.MediaType}");
                _value = _format.Read(Body);
                _isRead = true;
            }
            return _value!;
        }
    }

    /// <inheritdoc cref="ApiResult.EnsureSuccess"/>
    public new ApiResult<T> EnsureSuccess() => IsSuccess ? this : throw new ApiException(this, null);
}

/// <summary>What a body of <typeparamref name="T"/> comes as, and how it is read.</summary>
internal sealed record BodyFormat<T>(string MediaType, Func<ReadOnlyMemory<byte>, T> Read);

/// <summary>An answer the caller could not use: a status it did not expect, or a body that is not what it asked for.</summary>
public sealed class ApiException(ApiResult result, string? reason)
    : HttpRequestException(reason is null ? result.ToString() : $"{result} ({reason})", null, result.Status)
{
    public ApiResult Result { get; } = result;
}

/// <summary>
/// An RFC 7807 problem as BoxOffice answers one. <c>Errors</c> maps each field at fault to its messages; members
/// of a problem's own, such as <c>unavailableSeats</c>, <c>available</c> or <c>limit</c>, are in <c>Extensions</c>.
/// </summary>
public sealed record Problem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    [JsonExtensionData]
    // Set, not init: the source generator sets init-only members through the constructor, where extension data cannot go.
    public Dictionary<string, JsonElement>? Extensions { get; set; }
}
