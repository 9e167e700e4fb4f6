using System.Text.Json.Serialization;

namespace BoxOffice.Server.Storage;

[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[JsonSerializable(typeof(EventDetails))]
internal sealed partial class StorageJson : JsonSerializerContext;
