namespace BoxOffice.Server;

public static class ConfigurationSections
{
    /// <summary>
    /// A section bound as it is now, for the choices made while services are registered (which store, whether
    /// the lab runs), before options can be resolved. Everything else reads the validated options.
    /// </summary>
    public static T Read<T>(this IConfiguration configuration, string section) where T : new() =>
        configuration.GetSection(section).Get<T>() ?? new T();
}
