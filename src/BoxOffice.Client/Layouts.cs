using System.Globalization;
using System.Text.Json;

namespace BoxOffice.Client;

/// <summary>The built-in templates as <see cref="Contracts.CreateEventRequest.Layout"/> takes them; a custom layout is any other JSON.</summary>
public static class Layouts
{
    /// <summary>The tutorial's plane: rows 1 to 10, seats A to F.</summary>
    public static JsonElement A320 { get; } = JsonElement.Parse("""{"template":"a320"}""");

    /// <summary>Rows A, B, … of seats 1 to <paramref name="seatsPerRow"/>.</summary>
    public static JsonElement Cinema(int rows, int seatsPerRow) =>
        JsonElement.Parse(string.Create(CultureInfo.InvariantCulture, $$"""{"template":"cinema","rows":{{rows}},"seatsPerRow":{{seatsPerRow}}}"""));

    /// <summary>Seats labelled <c>S{section}-{row}-{seat}</c>, all from 1.</summary>
    public static JsonElement Stadium(int sections, int rows, int seatsPerRow) =>
        JsonElement.Parse(string.Create(CultureInfo.InvariantCulture, $$"""{"template":"stadium","sections":{{sections}},"rows":{{rows}},"seatsPerRow":{{seatsPerRow}}}"""));
}
