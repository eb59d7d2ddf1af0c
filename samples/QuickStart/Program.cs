// Scores sentences with the embedded all-MiniLM-L6-v2 through an ML.NET pipeline, prints their cosine similarities,
// then swaps the model's GELUs for other activations and shows how far the embeddings move and how the speed changes.
//
//   dotnet run --project samples/QuickStart -c Release
QuickStart.Demo.Run(Console.Out, new QuickStart.DemoSettings());
