using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Events;

/// <summary>
/// The fields of an event as a request gives them, every one optional: creating an event starts from
/// nothing, editing one from the event as it is. Plain data, so an edit can travel to the event's desk.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EventFields(
    string? Title = null,
    string? LayoutJson = null,
    IReadOnlyDictionary<string, long>? Prices = null,
    string? Currency = null,
    string? Venue = null,
    string? Description = null,
    string? StartsAt = null,
    string? TimeZone = null,
    string? DoorsAt = null,
    string? EndsAt = null,
    string? SalesOpenAt = null,
    string? SalesCloseAt = null,
    string? Status = null,
    bool? Listed = null)
{
    public static EventFields From(CreateEventRequest request) => new(
        request.Title, request.Layout?.GetRawText(), request.Prices, request.Currency, request.Venue, request.Description,
        request.StartsAt, request.TimeZone, request.DoorsAt, request.EndsAt, request.SalesOpenAt, request.SalesCloseAt, request.Status, request.Listed);
}

/// <summary>Turns <see cref="EventFields"/> into a valid event, or says what is wrong with each field.</summary>
public static partial class EventForm
{
    public const int MaxTitleLength = 200;
    public const int MaxVenueLength = 200;
    public const int MaxDescriptionLength = 5_000;
    public const long MaxPrice = 100_000_000;

    public sealed record Outcome(EventDefinition? Definition, string? LayoutJson, Dictionary<string, string[]> Errors);

    /// <summary>
    /// The event the fields make: on their own for a new event (<paramref name="current"/> null), or applied to
    /// <paramref name="current"/>. The outcome's layout JSON is the new layout's, null when it stays. Status moves
    /// are checked separately (<see cref="EventStatuses.CanMove"/>): an illegal move conflicts with the event's
    /// state, it is not a malformed request.
    /// </summary>
    public static Outcome Validate(string id, EventFields fields, EventDefinition? current)
    {
        var errors = new Dictionary<string, string[]>();
        var title = (fields.Title ?? current?.Title)?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength || title.Any(char.IsControl))
            errors["title"] = [$"Title must be 1 to {MaxTitleLength} printable characters."];
        var currency = (fields.Currency ?? current?.Currency ?? EventCatalog.DefaultCurrency).ToUpperInvariant();
        if (!CurrencyPattern().IsMatch(currency))
            errors["currency"] = ["Currency must be a three-letter ISO 4217 code such as EUR."];

        var layout = current?.Layout;
        if (fields.LayoutJson is null && current is null)
        {
            errors["layout"] = ["Layout is required, for example {\"template\":\"a320\"}."];
        }
        else if (fields.LayoutJson is { } layoutJson)
        {
            using var document = JsonDocument.Parse(layoutJson);
            var parsed = LayoutParser.Parse(document.RootElement);
            if (parsed.Layout is null)
                errors["layout"] = [.. parsed.Errors];
            layout = parsed.Layout;
        }

        var prices = Prices(layout, fields.Prices ?? current?.Prices, errors);
        var details = Details(fields, current?.Details ?? EventDetails.None, errors);
        var sales = Sales(fields, current?.Sales ?? EventSales.Open, errors);
        if (errors.Count > 0)
            return new Outcome(null, null, errors);
        var tutorial = current?.Tutorial ?? false;
        return new Outcome(new EventDefinition(id, title!, layout!, prices, currency, tutorial) { Details = details, Sales = sales }, fields.LayoutJson, errors);
    }

    private static Dictionary<string, long> Prices(Layout? layout, IReadOnlyDictionary<string, long>? given, Dictionary<string, string[]> errors)
    {
        var prices = new Dictionary<string, long>(StringComparer.Ordinal);
        if (layout is null)
            return prices;
        foreach (var category in layout.Categories)
        {
            if (given is null)
                prices[category] = 0;
            else if (given.TryGetValue(category, out var price) && price is >= 0 and <= MaxPrice)
                prices[category] = price;
            else
                errors[$"prices.{category}"] = [$"Give a price for category '{category}' in minor units, from 0 to {MaxPrice}."];
        }
        foreach (var category in given?.Keys.Except(layout.Categories) ?? [])
            errors[$"prices.{category}"] = [$"No seat in the layout has category '{category}'."];
        return prices;
    }

    private static EventDetails Details(EventFields fields, EventDetails current, Dictionary<string, string[]> errors)
    {
        var venue = (fields.Venue ?? current.Venue).Trim();
        if (venue.Length > MaxVenueLength || venue.Any(char.IsControl))
            errors["venue"] = [$"Venue has at most {MaxVenueLength} printable characters."];
        var description = (fields.Description ?? current.Description).Trim();
        if (description.Length > MaxDescriptionLength || description.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            errors["description"] = [$"Description has at most {MaxDescriptionLength} characters, and no control characters but line breaks and tabs."];
        var startsAt = Time("startsAt", fields.StartsAt, current.StartsAt, errors);
        var doorsAt = Time("doorsAt", fields.DoorsAt, current.DoorsAt, errors);
        var endsAt = Time("endsAt", fields.EndsAt, current.EndsAt, errors);
        var timeZone = fields.TimeZone ?? current.TimeZone;
        TimeZoneInfo? zone = null;
        // A Windows zone name would be found too; only an IANA name converts to a Windows one.
        if (timeZone is not null && (timeZone.Length > 64 || !TimeZoneInfo.TryConvertIanaIdToWindowsId(timeZone, out _) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone)))
            errors["timeZone"] = ["Time zone must be an IANA zone such as Europe/Paris."];
        if (startsAt is not null && timeZone is null)
            errors["timeZone"] = ["Give the IANA time zone the event happens in, such as Europe/Paris."];
        if (startsAt is { } start && zone is not null && zone.GetUtcOffset(start.UtcDateTime) != start.Offset)
            errors["startsAt"] = [$"The offset {start:zzz} is not {timeZone}'s at that time ({Offset(zone.GetUtcOffset(start.UtcDateTime))})."];
        if ((doorsAt is not null || endsAt is not null) && startsAt is null)
            errors["startsAt"] = ["Give the start time before doors or end times."];
        if (doorsAt > startsAt)
            errors["doorsAt"] = ["Doors open before the start, not after."];
        if (endsAt <= startsAt)
            errors["endsAt"] = ["The end comes after the start."];
        return new EventDetails(venue, description, startsAt, timeZone, doorsAt, endsAt);
    }

    private static EventSales Sales(EventFields fields, EventSales current, Dictionary<string, string[]> errors)
    {
        var status = current.Status;
        if (fields.Status is not null && !EventStatuses.TryParse(fields.Status, out status))
            errors["status"] = ["Status is one of: draft, on_sale, closed, cancelled."];
        var opens = Time("salesOpenAt", fields.SalesOpenAt, current.OpenAt, errors);
        var closes = Time("salesCloseAt", fields.SalesCloseAt, current.CloseAt, errors);
        if (opens >= closes)
            errors["salesCloseAt"] = ["Sales close after they open."];
        return new EventSales(status, opens, closes, fields.Listed ?? current.Listed);
    }

    private static DateTimeOffset? Time(string field, string? given, DateTimeOffset? current, Dictionary<string, string[]> errors)
    {
        if (given is null)
            return current;
        if (given.Length <= 40 && WithOffset().IsMatch(given)
            && DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        errors[field] = [$"Give {field} in ISO 8601 with an offset, such as 2027-03-14T19:30:00+01:00."];
        return current;
    }

    private static string Offset(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();
}
