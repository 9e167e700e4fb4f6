using System.Text.Json;
using System.Text.RegularExpressions;

namespace BoxOffice.Server.Events;

/// <summary>
/// Turns a layout document (a template reference or a custom sections → rows → seats tree) into a
/// validated <see cref="Layout"/>. Every limit here protects memory and the seat-map payload size.
/// </summary>
public static partial class LayoutParser
{
    public const int MaxSections = 100;
    public const int MaxRowsPerSection = 1_000;
    public const int MaxSeatsPerRow = 1_000;
    public const int MaxLabelLength = 16;
    public const int MaxCategoryLength = 32;
    public const int MaxX = 100_000;
    public const string DefaultCategory = "standard";

    public static LayoutParseResult Parse(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object)
            return LayoutParseResult.Fail("Layout must be a JSON object.");

        if (document.TryGetProperty("template", out var template))
        {
            if (template.ValueKind != JsonValueKind.String)
                return LayoutParseResult.Fail("Layout template must be a string.");
            return template.GetString() switch
            {
                "a320" => LayoutParseResult.Ok(Templates.A320()),
                "cinema" => ParseCinema(document),
                "stadium" => ParseStadium(document),
                var other => LayoutParseResult.Fail($"Unknown layout template '{other}'. Use a320, cinema or stadium."),
            };
        }

        if (document.TryGetProperty("sections", out var sections) && sections.ValueKind == JsonValueKind.Array)
            return ParseCustom(sections);

        return LayoutParseResult.Fail("Layout needs either a \"template\" or a \"sections\" array.");
    }

    private static LayoutParseResult ParseCinema(JsonElement document)
    {
        var errors = new List<string>();
        var rows = ReadSize(document, "rows", 12, 1, 26, errors);
        var seatsPerRow = ReadSize(document, "seatsPerRow", 16, 1, 100, errors);
        return errors.Count > 0 ? new LayoutParseResult(null, errors) : LayoutParseResult.Ok(Templates.Cinema(rows, seatsPerRow));
    }

    private static LayoutParseResult ParseStadium(JsonElement document)
    {
        var errors = new List<string>();
        var sections = ReadSize(document, "sections", 4, 1, MaxSections, errors);
        var rows = ReadSize(document, "rows", 20, 1, MaxRowsPerSection, errors);
        var seatsPerRow = ReadSize(document, "seatsPerRow", 30, 1, MaxSeatsPerRow, errors);
        if (errors.Count == 0 && (long)sections * rows * seatsPerRow > Layout.MaxSeats)
            errors.Add($"A stadium may have at most {Layout.MaxSeats:N0} seats; {sections} × {rows} × {seatsPerRow} is {(long)sections * rows * seatsPerRow:N0}.");
        return errors.Count > 0 ? new LayoutParseResult(null, errors) : LayoutParseResult.Ok(Templates.Stadium(sections, rows, seatsPerRow));
    }

    private static int ReadSize(JsonElement document, string name, int fallback, int min, int max, List<string> errors)
    {
        if (!document.TryGetProperty(name, out var value))
            return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var size) || size < min || size > max)
        {
            errors.Add($"Layout \"{name}\" must be a whole number from {min} to {max}.");
            return fallback;
        }
        return size;
    }

    private static LayoutParseResult ParseCustom(JsonElement sections)
    {
        var errors = new List<string>();
        var sectionCount = sections.GetArrayLength();
        if (sectionCount is 0 or > MaxSections)
            return LayoutParseResult.Fail($"A layout needs 1 to {MaxSections} sections.");

        var seats = new List<SeatDefinition>();
        var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var y = 0;
        var sectionNumber = 0;
        foreach (var section in sections.EnumerateArray())
        {
            sectionNumber++;
            var sectionName = ReadName(section, "name", $"Section {sectionNumber}", $"sections[{sectionNumber - 1}].name", errors);
            if (!section.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array
                || rows.GetArrayLength() is 0 or > MaxRowsPerSection)
            {
                errors.Add($"sections[{sectionNumber - 1}].rows must be an array of 1 to {MaxRowsPerSection} rows.");
                break;
            }

            var rowNumber = 0;
            foreach (var row in rows.EnumerateArray())
            {
                rowNumber++;
                var path = $"sections[{sectionNumber - 1}].rows[{rowNumber - 1}]";
                var rowName = ReadName(row, "name", rowNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), path + ".name", errors);
                if (!row.TryGetProperty("seats", out var rowSeats) || rowSeats.ValueKind != JsonValueKind.Array
                    || rowSeats.GetArrayLength() is 0 or > MaxSeatsPerRow)
                {
                    errors.Add($"{path}.seats must be an array of 1 to {MaxSeatsPerRow} seats.");
                    break;
                }
                if (seats.Count + rowSeats.GetArrayLength() > Layout.MaxSeats)
                {
                    errors.Add($"A layout may have at most {Layout.MaxSeats:N0} seats.");
                    break;
                }

                var x = 0;
                var seatNumber = 0;
                foreach (var seat in rowSeats.EnumerateArray())
                {
                    var seatPath = $"{path}.seats[{seatNumber++}]";
                    var parsed = ParseSeat(seat, seatPath, sectionName, rowName, x, y, errors);
                    if (parsed is not { } definition)
                        continue;
                    if (!labels.Add(definition.Label))
                        errors.Add($"{seatPath}: seat label '{definition.Label}' is used twice.");
                    seats.Add(definition);
                    x = definition.X + 1;
                }
                y++;
                if (errors.Count >= 20)
                    return new LayoutParseResult(null, errors);
            }
            y++;
        }

        return errors.Count > 0 ? new LayoutParseResult(null, errors) : LayoutParseResult.Ok(new Layout(seats));
    }

    private static SeatDefinition? ParseSeat(JsonElement seat, string path, string section, string row, int nextX, int y, List<string> errors)
    {
        if (seat.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path} must be an object.");
            return null;
        }

        string? label = seat.TryGetProperty("label", out var labelValue) && labelValue.ValueKind == JsonValueKind.String ? labelValue.GetString() : null;
        if (label is null || !LabelPattern().IsMatch(label))
        {
            errors.Add($"{path}.label must be 1 to {MaxLabelLength} letters, digits, '-', '_' or '.'.");
            return null;
        }

        var category = DefaultCategory;
        if (seat.TryGetProperty("category", out var categoryValue))
        {
            category = categoryValue.ValueKind == JsonValueKind.String ? categoryValue.GetString()! : "";
            if (!CategoryPattern().IsMatch(category))
            {
                errors.Add($"{path}.category must be 1 to {MaxCategoryLength} lowercase letters, digits or '-'.");
                return null;
            }
        }

        var flags = SeatFeatures.None;
        if (seat.TryGetProperty("flags", out var flagValues))
        {
            if (flagValues.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}.flags must be an array.");
                return null;
            }
            foreach (var flag in flagValues.EnumerateArray())
            {
                if (flag.ValueKind != JsonValueKind.String || !Enum.TryParse<SeatFeatures>(flag.GetString(), ignoreCase: true, out var parsed)
                    || parsed == SeatFeatures.None || !Enum.IsDefined(parsed))
                {
                    errors.Add($"{path}.flags may only contain window, aisle, accessible and blocked.");
                    return null;
                }
                flags |= parsed;
            }
        }

        var x = nextX;
        if (seat.TryGetProperty("x", out var xValue))
        {
            if (xValue.ValueKind != JsonValueKind.Number || !xValue.TryGetInt32(out x) || x < nextX || x > MaxX)
            {
                errors.Add($"{path}.x must be a whole number from {nextX} (right of the previous seat) to {MaxX}.");
                return null;
            }
        }

        return new SeatDefinition(label, section, row, category, flags, x, y);
    }

    private static string ReadName(JsonElement element, string property, string fallback, string path, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
            return fallback;
        var name = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
        if (name.Length is 0 or > 40 || name.Any(char.IsControl))
        {
            errors.Add($"{path} must be 1 to 40 printable characters.");
            return fallback;
        }
        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,16}$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex CategoryPattern();
}

public sealed record LayoutParseResult(Layout? Layout, IReadOnlyList<string> Errors)
{
    public static LayoutParseResult Ok(Layout layout) => new(layout, []);

    public static LayoutParseResult Fail(string error) => new(null, [error]);
}
