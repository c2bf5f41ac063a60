using System.Reflection;
using System.Reflection.Emit;

namespace Portico.Tests.Operations;

/// Infrastructure is what features stand on, so it may not reach back into them. The compiled code is read,
/// signatures and method bodies both, because project-wide usings make a source search prove nothing.
public sealed class LayeringTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    [Fact]
    public void Infrastructure_uses_no_type_of_a_feature()
    {
        var assembly = typeof(PorticoDb).Assembly;
        var infrastructure = assembly.GetTypes().Where(t => Namespace(t).StartsWith("Portico.Infrastructure", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(infrastructure);

        var uses = infrastructure.SelectMany(t => UsedTypes(t).Where(IsFeature).Select(used => $"{t.FullName} uses {used.FullName}")).Distinct().ToList();

        Assert.True(uses.Count == 0, string.Join(Environment.NewLine, uses));
    }

    [Fact]
    public void The_check_sees_a_feature_used_inside_a_method_body()
    {
        // The test class itself calls into a feature only in a body; if the reader missed bodies this would be empty.
        Assert.Contains(UsedTypes(typeof(BodyOnly)), t => t == typeof(Features.Requests.RequestType));
    }

    private sealed class BodyOnly
    {
        public static object Make() => typeof(Features.Requests.RequestType);
    }

    private static string Namespace(Type t) => (t.IsNested ? Namespace(t.DeclaringType!) : t.Namespace) ?? "";

    private static bool IsFeature(Type t) => Namespace(t).StartsWith("Portico.Features", StringComparison.Ordinal);

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type?> { type.BaseType };
        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(All).Select(f => f.FieldType));
        found.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo m)
            {
                found.Add(m.ReturnType);
            }
            found.AddRange(BodyTypes(method));
        }
        found.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        return found.OfType<Type>().SelectMany(Unwrap).Concat(type.GetNestedTypes(All).SelectMany(UsedTypes));
    }

    private static IEnumerable<Type> Unwrap(Type t)
    {
        if (t.HasElementType)
        {
            return Unwrap(t.GetElementType()!);
        }
        return t.IsGenericType ? t.GetGenericArguments().SelectMany(Unwrap).Prepend(t.GetGenericTypeDefinition()) : [t];
    }

    private static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }
        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var value = (short)il[at++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[at++]));
            }
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var member = module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                    if (member is Type t)
                    {
                        yield return t;
                    }
                    else if (member?.DeclaringType is { } declaring)
                    {
                        yield return declaring;
                    }
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }
}
