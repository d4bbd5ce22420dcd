using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

public sealed class HostileNameTests
{
    [Theory]
    [InlineData("x\" ; add table inet evil { } ; \"")]
    [InlineData("\\\"}}; flush ruleset #")]
    [InlineData("a\" } ; delete table inet gateway ; set x { type ipv4_addr")]
    [InlineData("$(reboot) `id` ${x}")]
    [InlineData("line one\n} ; flush ruleset\r\n#")]
    public void Sanitised_comments_keep_only_the_safe_charset(string name)
    {
        var comment = NftText.SanitizeComment(name);

        Assert.DoesNotContain('"', comment);
        Assert.DoesNotContain('\\', comment);
        Assert.DoesNotContain(';', comment);
        Assert.DoesNotContain('{', comment);
        Assert.DoesNotContain('}', comment);
        Assert.DoesNotContain('#', comment);
        Assert.DoesNotContain('\n', comment);
        Assert.DoesNotContain('\r', comment);
        Assert.DoesNotContain('$', comment);
        Assert.True(comment.Length <= NftText.MaxCommentLength);
    }

    [Fact]
    public void A_name_with_nothing_safe_leaves_no_comment_at_all()
    {
        Assert.Equal(string.Empty, NftText.Comment("\"\"\";;;{}"));
        Assert.Equal(" comment \"ok name\"", NftText.Comment("ok   name"));
    }

    [Fact]
    public void Long_names_are_capped()
    {
        Assert.Equal(NftText.MaxCommentLength, NftText.SanitizeComment(new string('a', 500)).Length);
    }
}
