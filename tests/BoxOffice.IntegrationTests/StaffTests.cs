using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>Staff accounts, sessions, roles and personal tokens, through HTTP as the console and scripts use them.</summary>
public sealed class StaffTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private static object NewEvent(string? id = null) =>
        new { id = id ?? $"st-{Guid.NewGuid():N}"[..20], title = "Staff test", layout = new { template = "cinema", rows = 2, seatsPerRow = 4 } };

    [Fact]
    public async Task The_admin_token_creates_the_first_admin_who_signs_in_and_creates_an_event()
    {
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);

        var session = await admin.GetFromJsonAsync<StaffSession>("/api/staff/session");
        var created = await admin.PostAsJsonAsync("/api/events", NewEvent());

        Assert.Equal(StaffRoles.Admin, session!.Role);
        Assert.EndsWith("@example.com", session.Email, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Theory]
    [InlineData(StaffRoles.BoxOffice)]
    [InlineData(StaffRoles.Door)]
    public async Task Other_roles_get_403_on_admin_routes(string role)
    {
        using var staff = await app.CreateStaffClientAsync(role);

        var create = await staff.PostAsJsonAsync("/api/events", NewEvent());
        var accounts = await staff.GetAsync("/api/staff/accounts");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (create.StatusCode, accounts.StatusCode));
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_session_request_without_the_antiforgery_token_changes_nothing()
    {
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);
        admin.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        var id = $"forged-{Guid.NewGuid():N}"[..20];

        var forged = await admin.PostAsJsonAsync("/api/events", NewEvent(id));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/events/{id}")).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var email = $"locked-{Guid.NewGuid():N}@example.com";
        using (var admin = app.CreateAdminClient())
            (await admin.PostAsJsonAsync("/api/staff/accounts", new { email, password = BoxOfficeApp.StaffPassword, role = StaffRoles.Door })).EnsureSuccessStatusCode();
        using var client = app.CreateClient();

        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            wrong.Add((await BoxOfficeApp.SignInAsync(client, email, "not the password at all")).StatusCode);
        var right = await BoxOfficeApp.SignInAsync(client, email, BoxOfficeApp.StaffPassword);

        Assert.All(wrong, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_new_password_ends_the_accounts_sessions()
    {
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);
        var email = (await door.GetFromJsonAsync<StaffSession>("/api/staff/session"))!.Email!;
        using var admin = app.CreateAdminClient();

        var changed = await admin.PatchAsJsonAsync($"/api/staff/accounts/{email}", new { password = "another long password" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Null((await door.GetFromJsonAsync<StaffSession>("/api/staff/session"))!.Email);
    }

    [Fact]
    public async Task A_personal_token_acts_with_its_role_until_it_is_revoked()
    {
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);
        var created = await admin.PostAsJsonAsync("/api/staff/tokens", new { name = "deploy script", role = StaffRoles.Admin });
        var token = (await created.Content.ReadFromJsonAsync<ApiTokenCreated>())!;
        using var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var before = await script.PostAsJsonAsync("/api/events", NewEvent());
        var listed = await admin.GetFromJsonAsync<ApiTokenView[]>("/api/staff/tokens");
        var revoked = await admin.DeleteAsync($"/api/staff/tokens/{token.Id}");
        var after = await script.PostAsJsonAsync("/api/events", NewEvent());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.Contains(listed!, t => t.Id == token.Id && t.RevokedAt is null);
        Assert.DoesNotContain(listed!.Select(t => t.ToString()), text => text.Contains(token.Token, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_door_account_cannot_mint_a_token_with_more_power()
    {
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        var refused = await door.PostAsJsonAsync("/api/staff/tokens", new { name = "escalate", role = StaffRoles.Admin });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Theory]
    [InlineData("""{"email":"x","password":"long enough password","role":"admin"}""")]
    [InlineData("""{"email":"a@example.com","password":"short","role":"admin"}""")]
    [InlineData("""{"email":"a@example.com","password":"long enough password","role":"root"}""")]
    public async Task Bad_accounts_are_refused(string body)
    {
        using var admin = app.CreateAdminClient();

        var response = await admin.PostAsync("/api/staff/accounts", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
