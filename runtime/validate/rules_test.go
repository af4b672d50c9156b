package validate

import (
	"errors"
	"strings"
	"testing"
)

func paths(err error) []string {
	var es *Errors
	if !errors.As(err, &es) {
		return nil
	}
	var out []string
	for _, f := range es.Fields {
		out = append(out, f.Path+": "+f.Err.Error())
	}
	return out
}

func TestArrayAndItems(t *testing.T) {
	rule := &ArrayRule{Required: true, MinItems: 2, MaxItems: 3}
	name := &StringRule{Required: true, MaxLength: 2}
	var c Collector
	c.Array("none", 0, rule)
	c.Array("one", 1, rule)
	c.Array("four", 4, rule)
	c.Array("ok", 2, rule)
	c.Array("optional", 0, &ArrayRule{MinItems: 2})
	c.StringItem("names", 3, "abc", name)
	c.StringItem("names", 4, "ab", name)
	c.IntItem("amounts", 1, -1, &IntRule{HasMin: true})
	c.RequiredItem("post_payments", 3, "name", false)
	c.RequiredItem("post_payments", 4, "name", true)
	var inner Collector
	inner.String("name", "", &StringRule{Required: true})
	c.Item("post_payments", 5, inner.Err("T"))
	c.Item("post_payments", 6, nil)
	got := strings.Join(paths(c.Err("T")), "\n")
	want := strings.Join([]string{
		"none: required",
		"one: too few items: 1, minimum 2",
		"four: too many items: 4, maximum 3",
		"names[3]: too long: 3 characters, maximum 2",
		"amounts[1]: below minimum 0",
		"post_payments[3].name: required",
		"post_payments[5].name: required",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCrossFieldRules(t *testing.T) {
	var c Collector
	c.AtMostOneOf([]string{"openid", "sub_openid"}, []bool{true, false})
	c.AtMostOneOf([]string{"openid", "sub_openid"}, []bool{false, false})
	c.AtMostOneOf([]string{"openid", "sub_openid"}, []bool{true, true})
	c.RequiredWith("sub_openid", false, "sub_appid", true)
	c.RequiredWith("sub_openid", false, "sub_appid", false)
	c.RequiredWith("sub_openid", true, "sub_appid", true)
	c.Sum("total_amount", 300, 300, "post_payments.amount")
	c.Sum("total_amount", 123456, 300, "post_payments.amount - post_discounts.amount")
	got := paths(c.Err("T"))
	want := []string{
		"openid|sub_openid: at most one of openid, sub_openid may be set, got 2: openid, sub_openid",
		"sub_openid: required when sub_appid is set",
		"total_amount: must equal post_payments.amount - post_discounts.amount",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(strings.Join(got, ""), "123456") {
		t.Error("a sum violation echoes the amount")
	}
}

func TestFormatsAndLiterals(t *testing.T) {
	rule := &StringRule{Formats: []string{FormatChinaTime, FormatChinaDate}, Literals: []string{"OnAccept"}}
	for _, ok := range []string{"20231218", "20231218103000", "OnAccept", ""} {
		var c Collector
		c.String("start_time", ok, rule)
		if err := c.Err("T"); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"20231232", "2023121810300", "onaccept", "2023-12-18"} {
		var c Collector
		c.String("start_time", bad, rule)
		var fe *FormatsError
		if err := c.Err("T"); !errors.As(err, &fe) {
			t.Errorf("%q: %v, want a *FormatsError", bad, err)
		} else if strings.Contains(err.Error(), bad) {
			t.Errorf("%q: the message echoes the value: %v", bad, err)
		}
	}
	var c Collector
	c.String("d", "20240230", &StringRule{Format: FormatChinaDate})
	if c.Err("T") == nil {
		t.Error("20240230 accepted as a yyyyMMdd date")
	}
}

// Checking valid items allocates nothing: paths are built on violations only.
func TestItemsDoNotAllocate(t *testing.T) {
	rule := &StringRule{Required: true, MaxLength: 8}
	allocs := testing.AllocsPerRun(100, func() {
		var c Collector
		for i := range 10 {
			c.StringItem("names", i, "abc", rule)
			c.RequiredItem("items", i, "name", true)
			c.Item("items", i, nil)
		}
		c.Array("names", 10, &ArrayRule{MaxItems: 100})
		if c.Err("T") != nil {
			panic("unexpected violation")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}
