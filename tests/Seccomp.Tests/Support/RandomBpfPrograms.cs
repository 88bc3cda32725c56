using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Bpf;

namespace Seccomp.Tests.Support;

/// <summary>
/// Random classic-BPF seccomp programs the kernel accepts (each passes <see cref="BpfVerifier"/>): every ALU operation
/// with K and X (shifts by X of 32 or more, division by an X that can be 0), ld/ldx immediate, LEN and every word of
/// seccomp_data, scratch memory written before it is read on every path, tax/txa, ja, jeq/jgt/jge/jset with K and X.
/// Every path ends in a RET whose verdict the caller can observe: ERRNO with any 16-bit data (the kernel clamps it to
/// 4095), sometimes ALLOW; KILL_THREAD (a division by zero) only where <see cref="DivideByZero"/> puts one.
/// </summary>
internal sealed class RandomBpfPrograms
{
    public const uint Errno = 0x0005_0000;
    public const uint Allow = 0x7fff_0000;

    private readonly Random _rng;
    private readonly uint[] _words;

    /// <param name="rng">The source of randomness.</param>
    /// <param name="interesting">Values the calls will use (syscall numbers, argument words), for the comparisons.</param>
    public RandomBpfPrograms(Random rng, IEnumerable<uint> interesting)
    {
        _rng = rng;
        _words = new uint[]
        {
            0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0xffff, 0x1_0000, 0x5_0000,
            0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff, 0xc000_003e, 0xc000_00b7,
        }.Concat(interesting).Distinct().ToArray();
    }

    /// <summary>What the generated programs contain, summed over all of them.</summary>
    public Dictionary<string, int> Features { get; } = new();

    private Dictionary<string, int>? _saved;

    /// <summary>Remembers <see cref="Features"/>, so that a program the caller throws away can be left out of them.</summary>
    public void Save() => _saved = new Dictionary<string, int>(Features);

    /// <summary>Returns <see cref="Features"/> to what <see cref="Save"/> saw.</summary>
    public void Restore()
    {
        Features.Clear();
        foreach (var kv in _saved!) Features[kv.Key] = kv.Value;
    }

    private void Count(string feature) => Features[feature] = Features.TryGetValue(feature, out int n) ? n + 1 : 1;

    /// <summary>A random program body, at most <paramref name="maxLength"/> instructions.</summary>
    public List<BpfInstruction> Body(int maxLength = 200)
    {
        while (true)
        {
            var snapshot = new Dictionary<string, int>(Features);
            ushort valid = 0;
            var code = Terminal(4, ref valid);
            if (code.Count <= maxLength && BpfVerifier.Verify(code).Count == 0) return code;
            Features.Clear();
            foreach (var kv in snapshot) Features[kv.Key] = kv.Value;
        }
    }

    /// <summary>
    /// <c>ld [argN]; tax; ld #k; div x</c> in front of a body: a division by zero exactly when the low word of argument
    /// N is 0, which ends the program with 0 (KILL_THREAD). The random bodies never divide by zero (a KILL_THREAD costs
    /// a thread and a kernel log line), so the calls decide how many do.
    /// </summary>
    public List<BpfInstruction> DivideByZero(int arg, List<BpfInstruction> body)
    {
        Count("div by x = 0");
        var code = new List<BpfInstruction>
        {
            S(Op.LD | Op.W | Op.ABS, Op.ArgOffset(arg, high: false)),
            S(Op.MISC | Op.TAX),
            S(Op.LD | Op.IMM, Word()),
            S(Op.ALU | Op.DIV | Op.X),
        };
        code.AddRange(body);
        return code;
    }

    /// <summary>
    /// <c>ld [nr]; jeq #n1, body; ...; ret ALLOW; body</c>: the body decides only for the given syscall numbers, so
    /// the thread it is installed on can still run the runtime's own calls (futex, mmap, exit...).
    /// </summary>
    public static BpfInstruction[] Guarded(IReadOnlyList<int> syscalls, IReadOnlyList<BpfInstruction> body)
    {
        int m = syscalls.Count;
        var code = new List<BpfInstruction> { BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr) };
        for (int i = 1; i <= m; i++)
            code.Add(BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, (uint)syscalls[i - 1], checked((byte)(m + 1 - i)), 0));
        code.Add(BpfInstruction.Stmt(Op.RET | Op.K, Allow));
        code.AddRange(body);
        var program = code.ToArray();
        var problems = BpfVerifier.Verify(program);
        if (problems.Count > 0) throw new InvalidOperationException("guarded program rejected: " + problems[0]);
        return program;
    }

    public uint Word() => _rng.Next(4) == 0 ? (uint)_rng.NextInt64(0, 1L << 32) : _words[_rng.Next(_words.Length)];

    private uint NonZeroWord()
    {
        uint w;
        do w = Word(); while (w == 0);
        return w;
    }

    private uint DataOffset() => (uint)_rng.Next(16) * 4;

    private static BpfInstruction S(ushort code, uint k = 0) => BpfInstruction.Stmt(code, k);

    private static readonly ushort[] AluOps = { Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.AND, Op.OR, Op.XOR, Op.LSH, Op.RSH };
    private static readonly ushort[] JumpOps = { Op.JEQ, Op.JGT, Op.JGE, Op.JSET };

    private static string Name(ushort op) => op switch
    {
        Op.ADD => "add", Op.SUB => "sub", Op.MUL => "mul", Op.DIV => "div", Op.AND => "and", Op.OR => "or",
        Op.XOR => "xor", Op.LSH => "lsh", _ => "rsh",
    };

    private static string JumpName(ushort op) => op switch { Op.JEQ => "jeq", Op.JGT => "jgt", Op.JGE => "jge", _ => "jset" };

    /// <summary>Straight-line code: loads, ALU, scratch memory, register moves.</summary>
    private List<BpfInstruction> Straight(int count, ref ushort valid)
    {
        var code = new List<BpfInstruction>();
        for (int i = 0; i < count; i++)
        {
            switch (_rng.Next(20))
            {
                case 0: code.Add(S(Op.LD | Op.IMM, Word())); Count("ld #k"); break;
                case 1: code.Add(S(Op.LDX | Op.IMM, Word())); Count("ldx #k"); break;
                case 2: case 3:
                    uint off = DataOffset();
                    code.Add(S(Op.LD | Op.W | Op.ABS, off));
                    Count(off switch { 0 => "ld [nr]", 4 => "ld [arch]", 8 or 12 => "ld [ip]", _ => "ld [args]" });
                    break;
                case 4:
                    if (_rng.Next(2) == 0) { code.Add(S(Op.LD | Op.W | Op.LEN)); Count("ld len"); }
                    else { code.Add(S(Op.LDX | Op.W | Op.LEN)); Count("ldx len"); }
                    break;
                case 5: case 6: case 7:
                {
                    ushort op = AluOps[_rng.Next(AluOps.Length)];
                    uint k = op switch
                    {
                        Op.DIV => NonZeroWord(),
                        Op.LSH or Op.RSH => (uint)_rng.Next(32),
                        _ => Word(),
                    };
                    code.Add(S((ushort)(Op.ALU | op | Op.K), k));
                    Count(Name(op) + " #k");
                    break;
                }
                case 8: case 9: case 10:
                {
                    ushort op = AluOps[_rng.Next(AluOps.Length)];
                    if (op == Op.DIV)
                    {
                        // X | 1 keeps the divisor data-dependent but never 0: see DivideByZero.
                        code.Add(S(Op.ST, 15));
                        code.Add(S(Op.MISC | Op.TXA));
                        code.Add(S(Op.ALU | Op.OR | Op.K, 1));
                        code.Add(S(Op.MISC | Op.TAX));
                        code.Add(S(Op.LD | Op.MEM, 15));
                        valid |= 1 << 15;
                    }
                    code.Add(S((ushort)(Op.ALU | op | Op.X)));
                    Count(Name(op) + " x");
                    break;
                }
                case 11: code.Add(S(Op.ALU | Op.NEG)); Count("neg"); break;
                case 12:
                {
                    // A shift by an X of 32 or more: the kernel takes the count mod 32.
                    uint[] counts = { 32, 33, 40, 63, 64, 65, 255, 0x8000_0001, 0xffff_ffff, (uint)_rng.Next(32, int.MaxValue) };
                    code.Add(S(Op.LDX | Op.IMM, counts[_rng.Next(counts.Length)]));
                    code.Add(S((ushort)(Op.ALU | (_rng.Next(2) == 0 ? Op.LSH : Op.RSH) | Op.X)));
                    Count("shift by x >= 32");
                    break;
                }
                case 13:
                {
                    // A division by a word of seccomp_data (or 1 when it is 0).
                    code.Add(S(Op.LD | Op.W | Op.ABS, 16 + (uint)_rng.Next(12) * 4));
                    code.Add(S(Op.ALU | Op.OR | Op.K, (uint)_rng.Next(2) << _rng.Next(32) | 1));
                    code.Add(S(Op.MISC | Op.TAX));
                    code.Add(S(Op.LD | Op.IMM, Word()));
                    code.Add(S(Op.ALU | Op.DIV | Op.X));
                    Count("div by a data word");
                    break;
                }
                case 14: case 15:
                {
                    uint slot = (uint)_rng.Next(16);
                    code.Add(S(_rng.Next(2) == 0 ? Op.ST : Op.STX, slot));
                    valid |= (ushort)(1 << (int)slot);
                    Count("st/stx");
                    break;
                }
                case 16: case 17:
                {
                    if (valid == 0) goto case 14;
                    ushort written = valid;
                    var slots = Enumerable.Range(0, 16).Where(s => (written & (1 << s)) != 0).ToArray();
                    code.Add(S(_rng.Next(2) == 0 ? (ushort)(Op.LD | Op.MEM) : (ushort)(Op.LDX | Op.MEM), (uint)slots[_rng.Next(slots.Length)]));
                    Count("ld/ldx mem");
                    break;
                }
                case 18: code.Add(S(Op.MISC | Op.TAX)); Count("tax"); break;
                default: code.Add(S(Op.MISC | Op.TXA)); Count("txa"); break;
            }
        }
        return code;
    }

    /// <summary>A conditional jump, often on a freshly loaded word of seccomp_data.</summary>
    private List<BpfInstruction> Condition(out ushort code, out uint k)
    {
        var prefix = new List<BpfInstruction>();
        if (_rng.Next(5) < 3)
        {
            uint off = DataOffset();
            prefix.Add(S(Op.LD | Op.W | Op.ABS, off));
        }
        ushort op = JumpOps[_rng.Next(JumpOps.Length)];
        bool x = _rng.Next(3) == 0;
        if (x && _rng.Next(2) == 0) prefix.Insert(0, S(Op.LDX | Op.IMM, Word()));
        code = (ushort)(Op.JMP | op | (x ? Op.X : Op.K));
        k = x ? (uint)_rng.Next() : Word();
        Count(JumpName(op) + (x ? " x" : " #k"));
        return prefix;
    }

    /// <summary>Code that ends every path in a RET.</summary>
    private List<BpfInstruction> Terminal(int depth, ref ushort valid)
    {
        var code = Straight(_rng.Next(5), ref valid);
        while (depth > 0 && _rng.Next(3) == 0)
        {
            code.AddRange(Join(depth - 1, ref valid));
            code.AddRange(Straight(_rng.Next(3), ref valid));
        }
        if (depth > 0 && _rng.Next(3) != 0)
        {
            var prefix = Condition(out ushort jump, out uint k);
            code.AddRange(prefix);
            ushort v1 = valid, v2 = valid;
            var first = Terminal(depth - 1, ref v1);
            var second = Terminal(depth - 1, ref v2);
            if (first.Count > 255) return code.Concat(Ret()).ToList();
            byte skip = (byte)first.Count;
            bool swap = _rng.Next(2) == 0;
            code.Add(BpfInstruction.Jump(jump, k, swap ? skip : (byte)0, swap ? (byte)0 : skip));
            code.AddRange(first);
            code.AddRange(second);
            return code;
        }
        code.AddRange(Ret());
        return code;
    }

    /// <summary>If-then-else that joins again: <c>jcond; then; ja end; else; end:</c>.</summary>
    private List<BpfInstruction> Join(int depth, ref ushort valid)
    {
        var code = Condition(out ushort jump, out uint k);
        ushort v1 = valid, v2 = valid;
        var first = NonTerminal(depth, ref v1);
        var second = NonTerminal(depth, ref v2);
        if (first.Count + 1 > 255) return code;
        byte skip = (byte)(first.Count + 1);
        bool swap = _rng.Next(2) == 0;
        code.Add(BpfInstruction.Jump(jump, k, swap ? skip : (byte)0, swap ? (byte)0 : skip));
        code.AddRange(first);
        code.Add(BpfInstruction.Stmt(Op.JMP | Op.JA, (uint)second.Count));
        Count("ja");
        code.AddRange(second);
        valid = (ushort)(v1 & v2);
        return code;
    }

    private List<BpfInstruction> NonTerminal(int depth, ref ushort valid)
    {
        var code = Straight(_rng.Next(5), ref valid);
        if (depth > 0 && _rng.Next(3) == 0)
        {
            code.AddRange(Join(depth - 1, ref valid));
            code.AddRange(Straight(_rng.Next(3), ref valid));
        }
        return code;
    }

    /// <summary>A RET with an observable verdict.</summary>
    private List<BpfInstruction> Ret()
    {
        switch (_rng.Next(12))
        {
            case 0: case 1: case 2:
            {
                uint data = _rng.Next(6) switch
                {
                    0 => 0,
                    1 => (uint)_rng.Next(4095, 65536),
                    2 => 4095 + (uint)_rng.Next(3),
                    _ => (uint)_rng.Next(1, 134),
                };
                Count(data > 4095 ? "ret errno > 4095" : "ret #errno");
                return new() { S(Op.RET | Op.K, Errno | data) };
            }
            case 3:
                Count("ret #allow");
                return new() { S(Op.RET | Op.K, Allow | (uint)_rng.Next(2) * (uint)_rng.Next(65536)) };
            case 4:
                // The verdict from X: ALLOW or ERRNO, chosen by a bit of A.
                Count("ret a (allow or errno)");
                return new()
                {
                    S(Op.ALU | Op.AND | Op.K, 1u << _rng.Next(32)),
                    BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, 0, 0, 2),
                    S(Op.LD | Op.IMM, Allow),
                    S(Op.RET | Op.A),
                    S(Op.MISC | Op.TXA),
                    S(Op.ALU | Op.AND | Op.K, 0xffff),
                    S(Op.ALU | Op.OR | Op.K, Errno),
                    S(Op.RET | Op.A),
                };
            default:
            {
                // ERRNO with A's low bits as data; 0xffff lets data above 4095 through for the kernel to clamp.
                uint mask = new uint[] { 0xfff, 0xffff, 0x1fff, 0xff }[_rng.Next(4)];
                Count(mask > 0xfff ? "ret a (errno, may exceed 4095)" : "ret a (errno)");
                return new() { S(Op.ALU | Op.AND | Op.K, mask), S(Op.ALU | Op.OR | Op.K, Errno), S(Op.RET | Op.A) };
            }
        }
    }
}
