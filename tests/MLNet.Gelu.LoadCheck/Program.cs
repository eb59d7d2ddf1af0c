// Usage: MLNet.Gelu.LoadCheck <model.zip> <input.tsv> <input column> <output column>
// Loads the model with plain ML.NET, feeds it the rows of the tab-separated input file (one row per line, one value
// per slot) and prints the output column, one row per line, values in round-trip format separated by tabs.
// The first line lists any loaded assembly whose name starts with "MLNet.Gelu" (there should be none).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 4)
{
    Console.Error.WriteLine("Usage: MLNet.Gelu.LoadCheck <model.zip> <input.tsv> <input column> <output column>");
    return 2;
}

var mlContext = new MLContext(seed: 0);
var model = mlContext.Model.Load(args[0], out var inputSchema);
var inputType = inputSchema[args[2]].Type;
int size = inputType is VectorDataViewType vector ? vector.Size : 0;
var loaderColumn = size > 0
    ? new TextLoader.Column(args[2], DataKind.Single, 0, size - 1)
    : new TextLoader.Column(args[2], DataKind.Single, 0);
var data = mlContext.Data.LoadFromTextFile(args[1], [loaderColumn], separatorChar: '\t');
var output = model.Transform(data);

var ours = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Where(n => n != null && n.StartsWith("MLNet.Gelu", StringComparison.Ordinal) && n != "MLNet.Gelu.LoadCheck");
Console.WriteLine("assemblies:" + string.Join(",", ours));

var column = output.Schema[args[3]];
using var cursor = output.GetRowCursor([column]);
if (column.Type is VectorDataViewType)
{
    var getter = cursor.GetGetter<VBuffer<float>>(column);
    var value = default(VBuffer<float>);
    while (cursor.MoveNext())
    {
        getter(ref value);
        Console.WriteLine(string.Join('\t', value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }
}
else
{
    var getter = cursor.GetGetter<float>(column);
    float value = 0;
    while (cursor.MoveNext())
    {
        getter(ref value);
        Console.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
    }
}

return 0;
