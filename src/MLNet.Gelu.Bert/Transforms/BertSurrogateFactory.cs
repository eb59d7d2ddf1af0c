using Microsoft.ML.Transforms;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Lets ML.NET read a saved BERT scoring stand-in once <c>LoadWithActivations</c> has registered this assembly; the
/// mapping itself only throws, naming the loader, since the stand-in is replaced by the native transformer.
/// </summary>
[CustomMappingFactoryAttribute(BertSurrogate.ContractName)]
internal sealed class BertSurrogateFactory : CustomMappingFactory<BertSurrogate.SurrogateInput, BertSurrogate.SurrogateOutput>
{
    public override Action<BertSurrogate.SurrogateInput, BertSurrogate.SurrogateOutput> GetMapping() =>
        MLNet.Gelu.Persistence.UnloadableMapping.Throw<BertSurrogate.SurrogateInput, BertSurrogate.SurrogateOutput>;
}
