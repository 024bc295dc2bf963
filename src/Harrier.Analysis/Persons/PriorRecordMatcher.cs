namespace Harrier.Analysis.Persons;

/// <summary>
/// Cross-match of an account's identifiers with an earlier case's records: e-mail equal as written (exact) or as one
/// mailbox (normalised), handle equal ignoring case (exact), deposit address equal (exact); a handle one character
/// away is reported as <c>fuzzy</c>, a weak signal for an analyst to check, never a finding.
/// </summary>
internal sealed class PriorRecordMatcher
{
    private readonly Dictionary<string, List<PriorRecordInput>> _emails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PriorRecordInput>> _mailboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PriorRecordInput>> _handles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PriorRecordInput>> _handleDeletions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PriorRecordInput>> _addresses = new(StringComparer.Ordinal);

    public PriorRecordMatcher(IReadOnlyList<PriorRecordInput> records, EmailRules rules)
    {
        foreach (var r in records)
        {
            var type = r.Type.Trim().ToLowerInvariant();
            var value = r.Value.Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (type.Contains("mail", StringComparison.Ordinal))
            {
                Add(_emails, value.ToLowerInvariant(), r);
                Add(_mailboxes, rules.Normalise(value), r);
            }
            else if (type.Contains("user", StringComparison.Ordinal) || type.Contains("handle", StringComparison.Ordinal))
            {
                var lower = value.ToLowerInvariant();
                Add(_handles, lower, r);
                if (lower.Length >= 5)
                {
                    foreach (var k in Handles.DeletionKeys(lower))
                    {
                        Add(_handleDeletions, k, r);
                    }
                }
            }
            else if (type.Contains("address", StringComparison.Ordinal) || type.Contains("btc", StringComparison.Ordinal))
            {
                Add(_addresses, value, r);
            }
        }
    }

    private static void Add(Dictionary<string, List<PriorRecordInput>> map, string? key, PriorRecordInput r)
    {
        if (string.IsNullOrEmpty(key))
        {
            return;
        }

        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(r);
    }

    public IEnumerable<PriorRecordHit> Hits(AccountInput account, EmailRules rules)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(account.Email))
        {
            foreach (var r in _emails.GetValueOrDefault(account.Email.Trim().ToLowerInvariant()) ?? [])
            {
                if (found.Add(r.RecordId))
                {
                    yield return new PriorRecordHit(account.Key, r.RecordId, r.Type, r.Value, "exact", $"e-mail {account.Email} is in {r.EarlierCase ?? "an earlier case"}");
                }
            }

            foreach (var r in _mailboxes.GetValueOrDefault(rules.Normalise(account.Email) ?? "") ?? [])
            {
                if (found.Add(r.RecordId))
                {
                    yield return new PriorRecordHit(account.Key, r.RecordId, r.Type, r.Value, "normalised",
                        $"e-mail {account.Email} reaches the mailbox of {r.Value} in {r.EarlierCase ?? "an earlier case"}");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(account.Username))
        {
            var lower = account.Username.Trim().ToLowerInvariant();
            foreach (var r in _handles.GetValueOrDefault(lower) ?? [])
            {
                if (found.Add(r.RecordId))
                {
                    yield return new PriorRecordHit(account.Key, r.RecordId, r.Type, r.Value, "exact", $"handle {account.Username} is in {r.EarlierCase ?? "an earlier case"}");
                }
            }

            if (lower.Length >= 5)
            {
                foreach (var key in Handles.DeletionKeys(lower))
                {
                    foreach (var r in _handleDeletions.GetValueOrDefault(key) ?? [])
                    {
                        if (!found.Contains(r.RecordId) && Handles.EditDistance(lower, r.Value.Trim().ToLowerInvariant(), 1) <= 1 && found.Add(r.RecordId))
                        {
                            yield return new PriorRecordHit(account.Key, r.RecordId, r.Type, r.Value, "fuzzy",
                                $"handle {account.Username} is one character from {r.Value} in {r.EarlierCase ?? "an earlier case"}: a weak signal, check it");
                        }
                    }
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(account.DepositAddress))
        {
            foreach (var r in _addresses.GetValueOrDefault(account.DepositAddress.Trim()) ?? [])
            {
                if (found.Add(r.RecordId))
                {
                    yield return new PriorRecordHit(account.Key, r.RecordId, r.Type, r.Value, "exact",
                        $"deposit address {account.DepositAddress} is in {r.EarlierCase ?? "an earlier case"}");
                }
            }
        }
    }
}
