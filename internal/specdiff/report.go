package specdiff

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes one line per change, `file:line: level: subject: message`,
// the form editors and CI annotate.
func WriteText(w io.Writer, changes []Change) error {
	for _, c := range changes {
		if _, err := fmt.Fprintln(w, c.String()); err != nil {
			return err
		}
	}
	return nil
}

// Summary says how many changes of each level there are: "1 breaking, 2 warnings, 3 info".
func Summary(changes []Change) string {
	n := Count(changes)
	return fmt.Sprintf("%d breaking, %d %s, %d info", n[Breaking], n[Warning], plural(n[Warning], "warning", "warnings"), n[Info])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteMarkdown writes the changes as a pull-request comment: a summary line,
// then one table per level, most severe first.
func WriteMarkdown(w io.Writer, changes []Change, oldName, newName string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Spec changes: `%s` → `%s`\n\n", oldName, newName)
	if len(changes) == 0 {
		b.WriteString("No API changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s.\n", Summary(changes))
	for _, level := range []Level{Breaking, Warning, Info} {
		var rows []Change
		for _, c := range changes {
			if c.Level == level {
				rows = append(rows, c)
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n#### %s (%d)\n\n| where | what | change |\n| --- | --- | --- |\n", level, len(rows))
		for _, c := range rows {
			where := fmt.Sprintf("%s:%d", c.Pos.File, c.Pos.Line)
			if c.InOld {
				where += " (old)"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", where, cell(c.Subject), cell(c.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
