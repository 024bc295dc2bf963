namespace Harrier.Scenario.People;

/// <summary>
/// Benign, plainly invented vocabulary for handles and for the identities in returns: no real person's name,
/// address or document number. Surnames and towns are made-up compounds; every street is on "Example" or
/// "Sample" roads; postcodes start with ZZ and document numbers with TEST.
/// </summary>
internal static class FakeNames
{
    private static readonly string[] HandleHeads =
        ["amber", "brisk", "cobalt", "dark", "echo", "frost", "glade", "hazel", "iron", "jade", "kite", "lunar", "moss",
         "night", "onyx", "pine", "quill", "raven", "storm", "thorn", "umber", "vale", "wild", "xeno", "yarrow", "zephyr",
         "ash", "birch", "cedar", "dusk", "ember", "fern", "grey", "hollow", "indigo", "juniper", "krill", "lark", "maple", "nova"];

    private static readonly string[] HandleTails =
        ["fox", "owl", "wolf", "hawk", "bear", "lynx", "otter", "crow", "moth", "pike", "seal", "wren", "stag", "hare",
         "newt", "toad", "mole", "swan", "crane", "finch", "heron", "viper", "badger", "falcon", "beetle", "marten",
         "rider", "smith", "walker", "keeper", "runner", "drifter", "sailor", "seeker", "watcher", "dreamer"];

    private static readonly string[] Given =
        ["Testa", "Exemplo", "Sampla", "Fictia", "Mocka", "Dummo", "Placido", "Proxima", "Nominal", "Pseudo", "Variabel",
         "Figment", "Faksimil", "Surrogat", "Instanz", "Modello", "Prototyp", "Specimen", "Muster", "Beispiel"];

    private static readonly string[] SurnameHeads =
        ["Quill", "Bramble", "Thistle", "Marrow", "Pebble", "Nettle", "Fennel", "Gorse", "Hollow", "Sorrel", "Tansy", "Wicker"];

    private static readonly string[] SurnameTails = ["bottom", "wick", "feather", "stone", "field", "worth", "brook", "dale"];

    private static readonly string[] Towns = ["Sampletown", "Exampleburg", "Testville", "Mockford", "Fictionham", "Placeholder City", "Dummydorf", "Nowhere Bay"];

    private static readonly string[] Roads = ["Example Street", "Sample Road", "Example Lane", "Sample Avenue", "Example Square", "Sample Way"];

    public static string Handle(Random r) => HandleHeads[r.Next(HandleHeads.Length)] + HandleTails[r.Next(HandleTails.Length)];

    public static string GivenName(Random r) => Given[r.Next(Given.Length)];

    public static string Surname(Random r) => SurnameHeads[r.Next(SurnameHeads.Length)] + SurnameTails[r.Next(SurnameTails.Length)];

    public static string Street(Random r) => $"{r.Next(1, 200)} {Roads[r.Next(Roads.Length)]}";

    public static string Town(Random r) => Towns[r.Next(Towns.Length)];

    public static string Postcode(Random r) => $"ZZ-{r.Next(10_000):D4}";

    public static string DocumentNumber(Random r) => $"TEST-{r.Next(100_000_000):D8}";
}
