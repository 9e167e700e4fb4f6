using BoxOffice.Server;
using BoxOffice.Server.Admin;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Compat;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Door;
using BoxOffice.Server.Events;
using BoxOffice.Server.Lab;
using BoxOffice.Server.Live;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHosting();
builder.AddMetricsApi();
builder.AddClientLimits();
builder.AddStorage();
builder.AddBooking();
builder.AddDesks();
builder.AddCheckout();
builder.AddDoor();
builder.AddLive();
builder.AddCompat();
builder.AddAdmin();
builder.AddStaff();
builder.AddLab();

var app = builder.Build();
await app.MigrateStorageAsync();

app.UseSecurityHeaders();
app.UseResponseCompression();
app.UseClientLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseLiveSockets();
app.MapPages();
app.MapOpenApi();
app.MapHealthChecks("/health");
app.MapPing();
app.MapMetrics();
app.MapEventsApi();
app.MapBookingsApi();
app.MapCheckoutApi();
app.MapDoorApi();
app.MapLiveApi();
app.MapCompatApi();
app.MapLabApi();
app.MapAdminApi();
app.MapConsoleApi();
app.MapStaffApi();

app.Run();

public partial class Program;
