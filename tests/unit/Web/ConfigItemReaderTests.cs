using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Shared.Validation;
using Gateway.Web.Api;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// A restore reads each list item as <see cref="ConfigItem{TInput}"/>: <c>id</c> plus the item input, from one flat
/// object. Every list of <see cref="ConfigInput"/> is found by reflection and every field of its item input is set, so
/// a new list or a new field is covered without touching these tests.
/// </summary>
public sealed class ConfigItemReaderTests
{
    public static TheoryData<string> Lists()
    {
        var lists = new TheoryData<string>();
        foreach (var property in ItemLists())
        {
            lists.Add(property.Name);
        }

        return lists;
    }

    [Fact]
    public void Every_list_of_a_restore_is_read_as_config_items()
    {
        // The nine lists the restore has; a list read some other way would be missed by the theories below.
        Assert.Equal(
            ["PortForwards", "MacFilters", "Rules", "OneToOne", "Redirects", "PolicyRoutes", "Pinholes", "StaticLeases", "Mirrors"],
            ItemLists().Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void Every_field_of_the_item_input_survives_a_restore(string list)
    {
        var input = InputType(list);
        var sample = Sample(input, 0)!;
        // The item as a client writes it: the input's own JSON (the serializer's, not the converter's) plus id.
        var item = JsonSerializer.SerializeToNode(sample, input, JsonBody.Options)!.AsObject();
        Assert.All(item, field => Assert.NotNull(field.Value));
        item["id"] = 7;

        var read = ReadItem(list, item);

        Assert.Equal(7, read.Id);
        AssertSameFields(input, sample, read.Input);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void An_item_written_by_the_converter_is_the_inputs_fields_plus_id_and_reads_back_equal(string list)
    {
        var input = InputType(list);
        var sample = Sample(input, 3)!;
        var item = Activator.CreateInstance(typeof(ConfigItem<>).MakeGenericType(input), 12, sample)!;

        var written = JsonSerializer.SerializeToNode(item, item.GetType(), JsonBody.Options)!.AsObject();
        var read = ReadItem(list, written);

        var own = JsonSerializer.SerializeToNode(sample, input, JsonBody.Options)!.AsObject();
        Assert.Equal(["id", .. own.Select(p => p.Key)], written.Select(p => p.Key));
        Assert.Equal(12, read.Id);
        AssertSameFields(input, sample, read.Input);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void An_item_without_id_or_with_a_null_id_has_none(string list)
    {
        var sample = JsonSerializer.SerializeToNode(Sample(InputType(list), 1), InputType(list), JsonBody.Options)!.AsObject();

        Assert.Null(ReadItem(list, sample).Id);
        sample["id"] = null;
        Assert.Null(ReadItem(list, sample).Id);
    }

    [Theory]
    [InlineData("""{"id":5,"mac":"02:00:00:00:00:01","name":"a"}""", 5)]
    [InlineData("""{"mac":"02:00:00:00:00:01","name":"a","ID":6}""", 6)]
    [InlineData("""{"mac":"02:00:00:00:00:01","\u0069d":8,"name":"a"}""", 8)]
    [InlineData("""{"mac":"02:00:00:00:00:01","name":"a","hits":{"packets":[1,2]},"id":2147483647}""", int.MaxValue)]
    public void The_id_is_read_from_the_top_level_in_any_case_and_the_rest_is_the_input(string item, int id)
    {
        var read = ReadItem("MacFilters", JsonNode.Parse(item)!.AsObject());

        Assert.Equal(id, read.Id);
        Assert.Equal(new MacFilterInput("02:00:00:00:00:01", "a", null), read.Input);
    }

    /// <summary>The answers main gave with the flat Config*Input records (measured before the change), field and message.</summary>
    [Theory]
    [InlineData("""[{},{},{},{"id":"x"}]""", "portForwards[3].id")]
    [InlineData("""[{"id":1.5}]""", "portForwards[0].id")]
    [InlineData("""[{"id":true}]""", "portForwards[0].id")]
    [InlineData("""[{"id":{}}]""", "portForwards[0].id")]
    [InlineData("""[{"id":[1]}]""", "portForwards[0].id")]
    [InlineData("""[{"id":99999999999}]""", "portForwards[0].id")]
    [InlineData("""[{"id":1,"id":2}]""", "portForwards[0].id")]
    [InlineData("""[{"id":1,"ID":2}]""", "portForwards[0].iD")]
    [InlineData("""[{"Id":"x"}]""", "portForwards[0].id")]
    [InlineData("""[{"\u0069d":"x"}]""", "portForwards[0].id")]
    [InlineData("""[{"id":tru}]""", "portForwards[0].id")]
    [InlineData("""[5]""", "portForwards[0]")]
    [InlineData("""[[]]""", "portForwards[0]")]
    [InlineData("""[{"name":"x",}]""", "portForwards[0]")]
    [InlineData("""[{"externalPort":80,"externalPort":81}]""", "portForwards[0].externalPort")]
    [InlineData("""[{"externalPort":80,"ExternalPort":81}]""", "portForwards[0].externalPort")]
    [InlineData("""[{"externalPortEnd":"x"}]""", "portForwards[0].externalPortEnd")]
    [InlineData("""[{"logLevel":3}]""", "portForwards[0].logLevel")]
    [InlineData("""[{"zz":tru}]""", "portForwards[0].zz")]
    [InlineData("""[{"zz":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]""", "portForwards[0].zz")]
    public void A_bad_value_in_a_forward_is_the_400_main_gave(string forwards, string field)
    {
        var body = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes("""{"portForwards":""" + forwards + "}"));

        Assert.Null(body.Value);
        var errors = body.Problem!.ProblemDetails.Errors;
        Assert.Equal([field], errors.Keys);
        Assert.Equal(["Wrong type or malformed value."], errors[field]);
    }

    [Theory]
    [InlineData("""{"rules":[{"limit":{"ratePerSecond":1,"burst":"x"}}]}""", "rules[0].limit.burst")]
    [InlineData("""{"rules":[{"name":"r","id":"7"}]}""", "rules[0].id")]
    [InlineData("""{"staticLeases":[{"name":"n","id":false}]}""", "staticLeases[0].id")]
    [InlineData("""{"mirrors":[{"id":"x"}]}""", "mirrors[0].id")]
    [InlineData("""{"macFilters":[{"mac":"02:00:00:00:00:01","id":"1"}]}""", "macFilters[0].id")]
    [InlineData("""{"pinholes":[{"name":"p"}],"oneToOne":[{},{"id":-1.0}]}""", "oneToOne[1].id")]
    public void A_bad_value_in_any_list_is_named_by_list_index_and_field(string restore, string field)
    {
        var body = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes(restore));

        Assert.Equal([field], body.Problem!.ProblemDetails.Errors.Keys);
    }

    [Fact]
    public void A_null_item_is_reported_by_index_as_before()
    {
        var body = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes("""{"portForwards":[{"name":"x"},null],"rules":[null],"pinholes":[null]}"""));
        var errors = new ValidationErrors();

        var read = body.Value!.ToConfig(errors);

        Assert.Equal(["A port forward is required."], errors.ToDictionary()["portForwards[1]"]);
        Assert.Equal(["A rule is required."], errors.ToDictionary()["rules[0]"]);
        Assert.Equal(["A pinhole is required."], errors.ToDictionary()["pinholes[0]"]);
        Assert.Null(read.PortForwards[1]);
    }

    private static IEnumerable<PropertyInfo> ItemLists() =>
        typeof(ConfigInput).GetProperties().Where(p =>
            p.PropertyType.IsGenericType
            && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            && p.PropertyType.GetGenericArguments()[0] is { IsGenericType: true } item
            && item.GetGenericTypeDefinition() == typeof(ConfigItem<>));

    private static Type InputType(string list) =>
        typeof(ConfigInput).GetProperty(list)!.PropertyType.GetGenericArguments()[0].GetGenericArguments()[0];

    /// <summary>A restore holding only this list, with this one item, read as PUT /api/v1/config reads it.</summary>
    private static (int? Id, object Input) ReadItem(string list, JsonObject item)
    {
        var restore = new JsonObject { [JsonNamingPolicy.CamelCase.ConvertName(list)] = new JsonArray(item.DeepClone()) };
        var body = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes(restore.ToJsonString()));
        Assert.True(body.Problem is null, string.Join(", ", body.Problem?.ProblemDetails.Errors.Keys ?? []));

        var items = (System.Collections.IList)typeof(ConfigInput).GetProperty(list)!.GetValue(body.Value)!;
        var read = Assert.Single(items)!;
        return ((int?)read.GetType().GetProperty("Id")!.GetValue(read), read.GetType().GetProperty("Input")!.GetValue(read)!);
    }

    private static void AssertSameFields(Type input, object expected, object actual)
    {
        Assert.IsType(input, actual);
        foreach (var property in input.GetProperties())
        {
            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)), $"{input.Name}.{property.Name} is lost by a restore.");
        }
    }

    /// <summary>The primary constructor: the one with the most parameters (a record's copy constructor has one).</summary>
    private static ParameterInfo[] Parameters(Type type) =>
        type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();

    /// <summary>A value that is not the default (nor null) and unlike its neighbours' where the type allows.</summary>
    private static object? Sample(Type type, int index)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return $"value {index}";
        }

        if (underlying == typeof(int))
        {
            return 1000 + index;
        }

        if (underlying == typeof(long))
        {
            return 100_000_000_000L + index;
        }

        if (underlying == typeof(bool))
        {
            return index % 2 == 0;
        }

        if (underlying.IsEnum)
        {
            // Not the first member (the default of the enum).
            var all = Enum.GetValues(underlying);
            return all.GetValue(all.Length == 1 ? 0 : 1 + (index % (all.Length - 1)));
        }

        // A nested input record (a rule's limit and quota): built from its own samples.
        var parameters = Parameters(underlying);
        return Activator.CreateInstance(underlying, parameters.Select((p, i) => Sample(p.ParameterType, index + i + 1)).ToArray());
    }
}
