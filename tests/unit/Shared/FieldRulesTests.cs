using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class FieldRulesTests
{
    [Theory]
    [InlineData("eth0")]
    [InlineData("br-lan")]
    [InlineData("wlan0.100")]
    [InlineData("en_p1s0")]
    [InlineData("ppp*")]
    [InlineData("e")]
    [InlineData("abcdefghijklmno")] // 15, the kernel's limit
    [InlineData("abcdefghijklmno*")]
    [InlineData("accept")] // an nft keyword is still a legal link name; it is always quoted
    [InlineData("drop")]
    public void Interface_names_the_kernel_allows_are_accepted(string name) => Assert.True(FieldRules.IsInterfaceName(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("*")]
    [InlineData("ppp**")]
    [InlineData("p*p")]
    [InlineData("abcdefghijklmnop")] // 16
    [InlineData("eth0;")]
    [InlineData("eth0; flush ruleset")]
    [InlineData("eth 0")]
    [InlineData("eth0\n")]
    [InlineData("eth0\r\nadd rule")]
    [InlineData("\"eth0\"")]
    [InlineData("'eth0'")]
    [InlineData("eth0}")]
    [InlineData("{eth0")]
    [InlineData("eth/0")]
    [InlineData("eth:0")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("eth0\0")]
    [InlineData("ethé")]
    [InlineData("eth0#")]
    [InlineData("@set")]
    public void Hostile_or_malformed_interface_names_are_refused(string? name) => Assert.False(FieldRules.IsInterfaceName(name));

    [Theory]
    [InlineData("ssh")]
    [InlineData("NAS web UI")]
    [InlineData("a \"quoted\" {braced}; drop")] // printable: allowed, the agent only ever writes a sanitised comment
    [InlineData("} ; table inet x { chain y { accept")]
    [InlineData("名前")]
    [InlineData("game 🎮")]
    [InlineData("x")]
    public void Printable_names_are_accepted_even_with_nft_syntax_in_them(string name) => Assert.True(FieldRules.IsName(name));

    [Fact]
    public void Names_may_have_64_characters_but_not_65()
    {
        Assert.True(FieldRules.IsName(new string('n', 64)));
        Assert.False(FieldRules.IsName(new string('n', 65)));
    }

    [Fact]
    public void Name_length_counts_what_a_person_sees_not_utf16_units()
    {
        Assert.True(FieldRules.IsName(string.Concat(Enumerable.Repeat("🔥", 33)))); // 66 UTF-16 units, 33 characters
        Assert.True(FieldRules.IsName(string.Concat(Enumerable.Repeat("🔥", 64))));
        Assert.False(FieldRules.IsName(string.Concat(Enumerable.Repeat("🔥", 65))));
        Assert.True(FieldRules.IsName(string.Concat(Enumerable.Repeat("e\u0301", 64)))); // é as e + combining accent
    }

    [Fact]
    public void Names_stay_within_256_utf8_bytes_whatever_they_count_as()
    {
        var family = "👨‍👩‍👧‍👦"; // one text element of 25 UTF-8 bytes
        Assert.Equal(25, System.Text.Encoding.UTF8.GetByteCount(family));
        Assert.True(FieldRules.IsName(string.Concat(Enumerable.Repeat(family, 10))));
        Assert.False(FieldRules.IsName(string.Concat(Enumerable.Repeat(family, 11)))); // 11 characters, 275 bytes
        Assert.True(FieldRules.IsName(string.Concat(Enumerable.Repeat("名", 64)))); // 192 bytes
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("esc\u001b[31m")]
    [InlineData("del\u007f")]
    [InlineData("line\u2028separator")]
    [InlineData("para\u2029separator")]
    public void Names_with_control_characters_or_blank_are_refused(string? name) => Assert.False(FieldRules.IsName(name));

    [Fact]
    public void Names_with_lone_surrogates_are_refused()
    {
        // Built at run time: a lone surrogate can't survive an attribute's UTF-8 metadata.
        Assert.False(FieldRules.IsName("lone " + (char)0xD800 + " high"));
        Assert.False(FieldRules.IsName((char)0xDC00 + " low first"));
        Assert.False(FieldRules.IsName("ends high " + (char)0xD83C));
        Assert.True(FieldRules.IsName("pair " + (char)0xD83C + (char)0xDFAE));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(65535, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(65536, false)]
    [InlineData(int.MaxValue, false)]
    [InlineData(int.MinValue, false)]
    public void Ports_are_1_to_65535(int port, bool valid) => Assert.Equal(valid, FieldRules.IsPort(port));
}
