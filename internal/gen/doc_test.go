package gen

import (
	"regexp"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"one two three", 7, []string{"one two", "three"}},
		{"a\nb", 10, []string{"a", "b"}},
		{"若微信版本低于七点零点三开发者应提示用户", 10, []string{"若微信版本", "低于七点零", "点三开发者", "应提示用户"}},
		{"see 若微信版本低于", 10, []string{"see 若微信", "版本低于"}},
		{"https://example.com/a/very/long/url", 10, []string{"https://example.com/a/very/long/url"}},
	} {
		if got := wrap(tc.in, tc.width); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

var echo = regexp.MustCompile(`([A-Za-z_]+) \(([A-Za-z_]+)\)`)

// Generated comments fit in 100 columns (a tab is 4, a CJK character 2)
// unless a line is one unbreakable token, and never echo a name as its own
// title (mch_id (mch_id)).
func TestGeneratedComments(t *testing.T) {
	s, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(s, Options{ImportBase: Module + "/generated"})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			text, ok := strings.CutPrefix(strings.TrimLeft(line, "\t"), "// ")
			if !ok || strings.HasPrefix(line, "//go:generate") {
				continue
			}
			width := columns(line) + strings.Count(line, "\t")*(tabWidth-1)
			if width > maxColumns && strings.Contains(strings.TrimSpace(text), " ") {
				t.Errorf("%s:%d: comment is %d columns wide: %s", name, i+1, width, line)
			}
			for _, m := range echo.FindAllStringSubmatch(text, -1) {
				if m[1] == m[2] {
					t.Errorf("%s:%d: echoes %s: %s", name, i+1, m[1], line)
				}
			}
		}
	}
}
