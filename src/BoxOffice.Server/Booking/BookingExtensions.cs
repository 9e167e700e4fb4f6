using BoxOffice.Server.Events;


namespace BoxOffice.Server.Booking;

public static class BookingExtensions
{
    public static WebApplicationBuilder AddBooking(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EventCatalog>();
        builder.Services.AddSingleton<BoxOfficeMetrics>();
        return builder;
    }
}
