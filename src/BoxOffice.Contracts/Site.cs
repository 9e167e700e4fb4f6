namespace BoxOffice.Contracts;

/// <summary><c>GET /api/site</c>: what every page shows about this server. In test mode no real money moves.</summary>
public sealed record SiteInfo(bool TestMode);
