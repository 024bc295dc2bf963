namespace Harrier.Scenario;

/// <summary>Benign vocabulary for usernames, titles and descriptions.</summary>
internal static class Words
{
    private static readonly string[] Adjectives =
        ["amber", "brisk", "calm", "dusty", "eager", "faded", "gentle", "hollow", "ivory", "jolly", "keen", "lucky",
         "misty", "noble", "olive", "quiet", "rusty", "silver", "tidy", "urban", "vivid", "windy", "young", "zesty"];

    private static readonly string[] Nouns =
        ["anchor", "bridge", "candle", "desert", "ember", "forest", "garden", "harbor", "island", "jacket", "kettle",
         "lantern", "meadow", "needle", "orchard", "pebble", "quarry", "river", "sailor", "tower", "valley", "willow"];

    private static readonly string[] Domains = ["mailbox.invalid", "post.invalid", "inbox.invalid", "webmail.invalid"];

    public static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    ];

    public static string Pick(Random r, string[] words) => words[r.Next(words.Length)];

    public static string Username(Random r, int id) => $"{Pick(r, Adjectives)}_{Pick(r, Nouns)}{id % 1000}";

    public static string Email(Random r, string username) => $"{username.Replace('_', '.')}@{Pick(r, Domains)}";

    public static string Title(Random r) => $"{Pick(r, Adjectives)} {Pick(r, Nouns)} {r.Next(1, 99)}";

    public static string Description(Random r) => $"{Pick(r, Adjectives)} {Pick(r, Nouns)} and {Pick(r, Adjectives)} {Pick(r, Nouns)}";
}
