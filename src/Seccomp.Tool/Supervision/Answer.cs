// What the supervisor tells the kernel about one notified call.

namespace Seccomp.Tool;

/// <summary>The reply to one notification (struct seccomp_notif_resp's val, error and flags), and the signal that ends
/// the calling process afterwards (0: none) where the policy's own action would have killed it.</summary>
internal readonly record struct Answer(long Val, int Error, uint Flags, int KillSignal);
