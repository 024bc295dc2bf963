using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Harrier.Web.Security;

/// <summary>
/// The data-protection key ring (which signs the session and antiforgery cookies) kept in memory only: nothing is written
/// to the user's home or the case, and a restart of the workbench ends every session.
/// </summary>
internal sealed class MemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> _keys = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return [.. _keys.Select(k => new XElement(k))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _keys.Add(new XElement(element));
        }
    }
}
