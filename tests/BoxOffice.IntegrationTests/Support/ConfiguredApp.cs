using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.IntegrationTests;

/// <summary>The server in a given environment with the given settings, for tests of what it accepts at start.</summary>
public sealed class ConfiguredApp(string environment, params (string Key, string Value)[] settings) : BoxOfficeApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    /// <summary>The validation failure that stopped the server from starting; fails the test if it started.</summary>
    public OptionsValidationException StartupFailure()
    {
        var error = Record.Exception(CreateClient);
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is OptionsValidationException validation)
                return validation;
        }
        throw new Xunit.Sdk.XunitException($"Expected the server to refuse to start on its settings, but got: {error?.ToString() ?? "a running server"}");
    }
}
