using System.Net;
using BoxOffice.Client;

namespace BoxOffice.IntegrationTests;

public static class ApiResults
{
    /// <summary>The body of a <c>201 Created</c>; any other answer fails the test with what the server said.</summary>
    public static T Created<T>(this ApiResult<T> result)
    {
        Assert.True(result.Status == HttpStatusCode.Created, result.ToString());
        return result.Value;
    }

    /// <summary>A member of the problem's own, such as <c>available</c> or <c>unavailableSeats</c>.</summary>
    public static System.Text.Json.JsonElement ProblemMember(this ApiResult result, string name) =>
        result.Problem?.Extensions?.GetValueOrDefault(name) ?? throw new Xunit.Sdk.XunitException($"{result} has no problem member '{name}'.");
}
