using ActivationsSample;
using Microsoft.ML;

// The activations of MLNet.Gelu: values and derivatives at reference points, how far the GELU approximations
// are from the exact (erf) form, a plot of all six, and the same activations inside an ML.NET pipeline.
//
//   dotnet run --project samples/Activations -c Release [-- --output <file.png or folder>]
//
// Without --output the plot goes to docs/activations.png in the repository.
string output = SampleArguments.OutputPath(args);

ReferenceTable.Print(Console.Out);
ApproximationErrors.Print(Console.Out);
ActivationPlot.Save(output);
Console.WriteLine($"Plot written to {output}");
Pipeline.Run(new MLContext(seed: 1), Console.Out);
