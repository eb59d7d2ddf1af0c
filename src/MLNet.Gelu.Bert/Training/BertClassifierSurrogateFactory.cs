using Microsoft.ML.Transforms;

namespace MLNet.Gelu.Bert;

/// <summary>Lets ML.NET read a saved BERT classifier's stand-in once <c>LoadWithActivations</c> has registered this assembly; the
/// mapping only throws, naming the loader, since the loader replaces the stand-in with the native transformer.</summary>
[CustomMappingFactoryAttribute(BertClassifierSurrogate.ContractName)]
internal sealed class BertClassifierSurrogateFactory : CustomMappingFactory<BertClassifierSurrogate.SurrogateInput, BertClassifierSurrogate.SurrogateOutput>
{
    public override Action<BertClassifierSurrogate.SurrogateInput, BertClassifierSurrogate.SurrogateOutput> GetMapping() =>
        MLNet.Gelu.Persistence.UnloadableMapping.Throw<BertClassifierSurrogate.SurrogateInput, BertClassifierSurrogate.SurrogateOutput>;
}
