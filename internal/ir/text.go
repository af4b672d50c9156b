package ir

import "strings"

// Lines splits doc text into trimmed, non-empty lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// paragraphs is doc text as paragraphs: each non-empty line is one.
func paragraphs(s string) []string { return Lines(s) }

// oneLine joins doc text into one line.
func oneLine(s string) string { return strings.Join(Lines(s), " ") }
