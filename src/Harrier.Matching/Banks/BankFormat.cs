namespace Harrier.Matching.Banks;

/// <summary>The hash-set formats a bank can be imported from.</summary>
public enum BankFormat
{
    /// <summary>Recognise the format from the file's content.</summary>
    Auto = 0,

    /// <summary>Project VIC / CAID VICS JSON-OData, versions 1.1–1.3 and 2.0 (<c>#Media</c> and <c>#Cases</c> shapes).</summary>
    Vics,

    /// <summary>INTERPOL ICSE hash export: ';'-separated with a fixed header.</summary>
    Icse,

    /// <summary>Plain CSV (or one hash per line) of MD5, SHA-1 and/or SHA-256, optionally with a category column.</summary>
    Csv,

    /// <summary>NSRL RDS <c>NSRLFile.txt</c>: known-good reference files.</summary>
    Nsrl,

    /// <summary>A PDQ hash list: 64 hex digits per line, optionally followed by a tab or comma and a quality or name.</summary>
    Pdq,

    /// <summary>A vPDQ list: per line an id (usually the MD5) and a path, relative to the list, of a vPDQ file.</summary>
    Vpdq,
}
