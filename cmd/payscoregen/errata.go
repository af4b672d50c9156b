package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// runErrata lists every place the docs contradict themselves, and what the
// generated code uses.
func runErrata(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("errata", "errata [-spec DIR] [-v]", stderr)
	dir := fs.String("spec", "spec", "spec directory")
	verbose := fs.Bool("v", false, "also print what the doc says and why")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := loadSpec(*dir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ERRATUM\tFILE\tTHE CODE USES")
	n := 0
	for _, f := range s.Files {
		for _, e := range f.Errata {
			n++
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.ID, f.Path, oneLine(e.Uses))
			if *verbose {
				fmt.Fprintf(tw, "\twhere\t%s\n\tdoc\t%s\n\twhy\t%s\n", oneLine(e.Where), oneLine(e.Doc), oneLine(e.Why))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d errata\n", n)
	// Facts borrowed from another mode's page are not doc contradictions,
	// but the code relies on them all the same: list them too.
	var borrowed []string
	for _, f := range s.Files {
		spec.WalkFields(f, func(where string, fld *spec.Field) {
			if fld.Borrowed != "" {
				borrowed = append(borrowed, fmt.Sprintf("%s\t%s\t%s", f.Path, where, oneLine(fld.Borrowed)))
			}
		})
	}
	if len(borrowed) > 0 {
		fmt.Fprintln(stdout)
		tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FILE\tFIELD\tBORROWED")
		for _, b := range borrowed {
			fmt.Fprintln(tw, b)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d borrowed facts\n", len(borrowed))
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
