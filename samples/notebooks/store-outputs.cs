// The JSON half of run.sh, as a .NET file-based app (`dotnet run store-outputs.cs -- ...`): nothing beyond the SDK.
//
//   prepare <notebook> <feed folder> <run copy>   writes a copy whose `#i "nuget: ..."` line names the feed's absolute
//                                                 path: .NET Interactive does not resolve a relative restore source.
//   check <executed>                              lists the error outputs of an executed notebook; fails if any.
//   store <notebook> <executed> <repository>      fails as check does; otherwise copies each code cell's outputs into the
//                                                 notebook. Everything else stays as it was: sources, cell ids and
//                                                 metadata, the notebook's metadata. So the executed notebook's
//                                                 per-cell start and end times, and its rewritten kernel metadata,
//                                                 are dropped, and a re-run differs only where an output does. Left
//                                                 out: the package restore's progress frames (its final display stays).
//                                                 The repository's absolute path in an output becomes relative to the
//                                                 notebook's folder (../../artifacts/feed, as in the notebook).
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
var feedLine = new Regex("#i \"nuget:(?<source>[^\"]*)\"");

switch (args)
{
    case ["prepare", string notebook, string feed, string copy]:
    {
        var copied = Load(notebook);
        var cells = Cells(copied);
        int changed = 0;
        foreach (var source in cells.Where(IsCode).Select(c => c!["source"]!.AsArray()))
        {
            for (int i = 0; i < source.Count; i++)
            {
                string line = (string)source[i]!;
                string rewritten = feedLine.Replace(line, $"#i \"nuget: {Path.GetFullPath(feed)}\"");
                if (rewritten != line)
                {
                    source[i] = rewritten;
                    changed++;
                }
            }
        }

        if (changed == 0)
        {
            return Fail($"{notebook}: no `#i \"nuget: ...\"` line to point at {feed}.");
        }

        Save(copied, copy);
        return 0;
    }

    case ["store", string notebook, string executed, string repository]:
    {
        var original = Load(notebook);
        var run = Load(executed);
        var cells = Cells(original);
        var ran = Cells(run);

        if (ErrorsIn(run) is { Count: > 0 } errors)
        {
            return Fail($"{notebook}: {errors.Count} error output(s); the notebook is left as it was.{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        if (ran.Count != cells.Count || Enumerable.Range(0, cells.Count).Any(i => IsCode(cells[i]) != IsCode(ran[i])))
        {
            return Fail($"{notebook}: the executed notebook's cells ({ran.Count}) do not line up with the notebook's ({cells.Count}).");
        }

        // Paths in the repository as seen from the notebook's folder (../../artifacts/...), not from this machine's root.
        string absolute = Path.TrimEndingDirectorySeparator(Path.GetFullPath(repository)) + Path.DirectorySeparatorChar;
        string relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(notebook))!, absolute) + Path.DirectorySeparatorChar;
        int outputs = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            if (!IsCode(cells[i]))
            {
                continue;
            }

            var stored = new JsonArray([.. ran[i]!["outputs"]!.AsArray().Where(o => !IsProgress(o)).Select(o => o!.DeepClone())]);
            ReplaceIn(stored, absolute, relative);
            cells[i]!["outputs"] = stored;
            cells[i]!["execution_count"] = ran[i]!["execution_count"]?.DeepClone();
            outputs += stored.Count;
        }

        Save(original, notebook);
        Console.WriteLine($"{notebook}: {cells.Count(IsCode)} code cells, {outputs} outputs stored.");
        return 0;
    }

    case ["check", string executed]:
    {
        var errors = ErrorsIn(Load(executed));
        errors.ForEach(Console.Error.WriteLine);
        return errors.Count == 0 ? 0 : 1;
    }

    default:
        return Fail("usage: dotnet run store-outputs.cs -- prepare <notebook> <feed> <copy> | check <executed> | store <notebook> <executed> <repository root>");
}

JsonNode Load(string path) => JsonNode.Parse(File.ReadAllText(path, utf8)) ?? throw new InvalidDataException($"{path} is empty.");

static JsonArray Cells(JsonNode notebook) => notebook["cells"]?.AsArray() ?? throw new InvalidDataException("A notebook without cells.");

// Each error output of each cell, as "cell N: ename: evalue" (what the notebook tests look for).
static List<string> ErrorsIn(JsonNode executed)
{
    var errors = new List<string>();
    var cells = Cells(executed);
    for (int i = 0; i < cells.Count; i++)
    {
        foreach (var output in cells[i]?["outputs"]?.AsArray() ?? [])
        {
            if ((string?)output?["output_type"] == "error")
            {
                errors.Add($"cell {i}: {output?["ename"]}: {output?["evalue"]}");
            }
        }
    }

    return errors;
}

// A frame of the package restore's progress display ("Installing Packages" with a growing row of dots): the live
// notebook updates one display in place, the executed notebook keeps every frame. The final "Installed Packages" stays.
static bool IsProgress(JsonNode? output) =>
    (string?)output?["output_type"] == "display_data"
    && output["data"]?["text/html"] is { } html
    && (html is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)html ?? "").Contains("<strong>Installing Packages</strong>", StringComparison.Ordinal);

static bool IsCode(JsonNode? cell) => (string?)cell?["cell_type"] == "code";

// Jupyter's own layout (one-space indent, characters unescaped, final newline), so that stored notebooks diff cleanly.
void Save(JsonNode root, string path)
{
    var buffer = new MemoryStream();
    using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
    {
        Indented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }))
    {
        root.WriteTo(writer);
    }

    string temporary = path + ".tmp";
    File.WriteAllText(temporary, utf8.GetString(buffer.ToArray()) + "\n", utf8);
    File.Move(temporary, path, overwrite: true);
}

// Replaces text in every string value under node.
static void ReplaceIn(JsonNode node, string from, string to)
{
    if (node is JsonObject obj)
    {
        foreach (string key in obj.Select(p => p.Key).ToList())
        {
            if (Replaced(obj[key], from, to) is { } text)
            {
                obj[key] = JsonValue.Create(text);
            }
        }
    }
    else if (node is JsonArray array)
    {
        for (int i = 0; i < array.Count; i++)
        {
            if (Replaced(array[i], from, to) is { } text)
            {
                array[i] = JsonValue.Create(text);
            }
        }
    }
}

// The new text of a string value that contains `from`; null for other strings (unchanged) and containers (recursed).
static string? Replaced(JsonNode? node, string from, string to)
{
    if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
    {
        string text = value.GetValue<string>();
        return text.Contains(from, StringComparison.Ordinal) ? text.Replace(from, to, StringComparison.Ordinal) : null;
    }

    if (node is not null)
    {
        ReplaceIn(node, from, to);
    }

    return null;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}
