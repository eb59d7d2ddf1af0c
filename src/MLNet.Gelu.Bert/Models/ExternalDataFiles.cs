namespace MLNet.Gelu.Bert;

/// <summary>
/// Where an ONNX model may read external data from: only files inside its own folder. Checked before ONNX Runtime sees
/// the model (when the model is created, and again when a session opens), so that a crafted model cannot make the
/// process read any other file: a location that is absolute, holds a <c>..</c> segment, or reaches outside the folder
/// through a symbolic link (in any component, the folder's own included) is refused, as is external data in a model that
/// has no folder (one read from a stream or a resource, which ONNX Runtime would resolve against the working directory).
/// </summary>
/// <remarks>
/// What remains assumed: nobody swaps a file or link in the model's folder between this check and ONNX Runtime's read
/// (the check runs again right before every session opens, narrowing that window, and ONNX Runtime 1.31 checks escapes
/// itself too). A folder writable by an attacker is not a place to load models from.
/// </remarks>
internal static class ExternalDataFiles
{
    /// <summary>ONNX Runtime's session setting that says where external data of a model loaded from bytes lives.</summary>
    public const string FolderConfigKey = "session.model_external_initializers_file_folder_path";

    /// <summary>The most symbolic links followed while resolving one path (as Linux allows).</summary>
    private const int MaxLinks = 40;

    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>
    /// Checks every external tensor of a model against its folder. Returns the folder's real path (links resolved), the
    /// folder ONNX Runtime must read from, or <see langword="null"/> when no tensor is external.
    /// </summary>
    /// <param name="modelName">The model's name, for messages.</param>
    /// <param name="folder">The model's folder; <see langword="null"/> when it was not read from a file.</param>
    /// <param name="tensors">The external tensors (<see cref="OnnxExternalData.Find"/>).</param>
    /// <exception cref="BertModelException">A tensor's data lies outside the folder (<see cref="BertModelProblem.ModelExternalDataOutsideFolder"/>)
    /// or cannot be read, also when the file system refuses to resolve its path (<see cref="BertModelProblem.ModelExternalDataUnavailable"/>);
    /// the message names the tensor and the path.</exception>
    public static string? Check(string modelName, string? folder, IReadOnlyList<OnnxExternalTensor> tensors)
    {
        if (tensors.Count == 0)
        {
            return null;
        }

        var current = tensors[0];
        try
        {
            string? realFolder = folder is null ? null : RealPath(modelName, current, folder);
            foreach (var tensor in tensors)
            {
                current = tensor;
                Check(modelName, folder, realFolder, tensor);
            }

            return realFolder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new BertModelException(modelName, BertModelProblem.ModelExternalDataUnavailable,
                $"the path of the tensor '{current.Tensor}' ('{current.Location}') in the model's folder '{folder}' cannot be resolved: {e.Message}", e);
        }
    }

    private static void Check(string modelName, string? folder, string? realFolder, OnnxExternalTensor tensor)
    {
        string name = tensor.Tensor.Length == 0 ? "(unnamed)" : tensor.Tensor;
        if (string.IsNullOrEmpty(tensor.Location))
        {
            throw new BertModelException(modelName, BertModelProblem.ModelExternalDataUnavailable,
                $"the tensor '{name}' is marked as external data but names no file (no 'location' entry): the model file is damaged.");
        }

        string location = tensor.Location;
        string? why = location.Contains('\0', StringComparison.Ordinal) ? "a path with a NUL character"
            : IsAbsolute(location) ? "an absolute path"
            : location.Split(Separators).Contains("..", StringComparer.Ordinal) ? "a path with a '..' segment"
            : null;
        if (why is not null)
        {
            throw Outside(modelName, name, location, why, folder);
        }

        if (folder is null || realFolder is null)
        {
            throw new BertModelException(modelName, BertModelProblem.ModelExternalDataUnavailable,
                $"the tensor '{name}' keeps its data in the external file '{location}', but the model was not loaded from a file (a stream or a " +
                "resource), so it has no folder to read that file from (ONNX Runtime would look in the working directory). Load it with " +
                "BertModel.FromFiles from its own folder, or save it with its data inside the .onnx file.");
        }

        string full = Path.GetFullPath(Path.Combine(folder, location));
        if (!IsInside(full, Path.GetFullPath(folder)))
        {
            throw Outside(modelName, name, location, $"which resolves to '{full}'", folder);
        }

        string real = RealPath(modelName, tensor, full);
        if (!IsInside(real, realFolder))
        {
            throw Outside(modelName, name, location, $"which resolves to '{real}' through a symbolic link", folder);
        }

        if (!File.Exists(real))
        {
            throw new BertModelException(modelName, BertModelProblem.ModelExternalDataUnavailable,
                $"the tensor '{name}' keeps its data in '{location}', which is not a file in the model's folder '{folder}'. Copy the data file beside the model.");
        }
    }

    private static BertModelException Outside(string modelName, string tensor, string location, string why, string? folder) =>
        new(modelName, BertModelProblem.ModelExternalDataOutsideFolder,
            $"the tensor '{tensor}' keeps its data in '{location}', {why}: a model may read external data only from files inside its own folder" +
            (folder is null ? "" : $" '{folder}'") + ". Nothing was read. Keep the data file beside the model and name it by a relative path.");

    /// <summary>Absolute on any platform: rooted, a drive (<c>C:</c>), or a UNC or device path.</summary>
    private static bool IsAbsolute(string location) =>
        Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\')
        || (location.Length >= 2 && location[1] == ':' && char.IsAsciiLetter(location[0]));

    private static bool IsInside(string path, string folder)
    {
        string prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return path.StartsWith(prefix, comparison);
    }

    /// <summary>
    /// The path with every symbolic link resolved, component by component (a link's relative target resolves against the
    /// folder that holds the link; <c>..</c> in a target steps up from the real folder). Components that do not exist stay as they are.
    /// </summary>
    /// <exception cref="BertModelException">More than <see cref="MaxLinks"/> links (a loop).</exception>
    private static string RealPath(string modelName, OnnxExternalTensor tensor, string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(full[current.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries).Reverse());
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Combine(current, part);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new BertModelException(modelName, BertModelProblem.ModelExternalDataOutsideFolder,
                    $"the path of the tensor '{tensor.Tensor}' ('{tensor.Location}') passes through more than {MaxLinks} symbolic links (a loop?). Nothing was read.");
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            foreach (string step in target.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(step);
            }
        }

        return current;
    }
}
