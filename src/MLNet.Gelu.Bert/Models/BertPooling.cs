namespace MLNet.Gelu.Bert;

/// <summary>How the per-token vectors of a BERT model's output become one vector per text.</summary>
public enum BertPooling
{
    /// <summary>Mean of the token vectors where the attention mask is 1 (sentence-transformers' default).</summary>
    Mean,

    /// <summary>The vector of the first token (<c>[CLS]</c>).</summary>
    Cls,

    /// <summary>Element-wise maximum over the token vectors where the attention mask is 1.</summary>
    Max,
}
