package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/payscoregen/payscoregen/internal/specdiff"
)

const diffSynopsis = `diff [-format text|markdown] [-fail-on breaking|warning|info|none] [-spec DIR] OLD NEW

OLD and NEW are spec directories or git revisions: REV means the -spec directory
at REV (HEAD, main, a1b2c3d), REV:PATH a tree as git names it (HEAD~1:spec).
Exit status: 0 nothing at the -fail-on level or above, 1 something is, 2 trouble
(bad usage, a side that does not load).`

func runDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("diff", diffSynopsis, stderr)
	format := fs.String("format", "text", "output: text (file:line: level: change) or markdown (for a pull request)")
	failOn := fs.String("fail-on", "breaking", "exit 1 when a change of this level or above is found: breaking, warning, info, or none (report only)")
	specDir := fs.String("spec", "spec", "the spec directory a bare git revision refers to")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "payscoregen diff: want OLD and NEW, got %d argument(s)\n", len(pos))
		fs.Usage()
		return errUsage
	}
	threshold, err := specdiff.ParseLevel(*failOn)
	never := *failOn == "none"
	if err != nil && !never {
		fmt.Fprintf(stderr, "payscoregen diff: -fail-on: %v (or none)\n", err)
		return errUsage
	}
	if *format != "text" && *format != "markdown" {
		fmt.Fprintf(stderr, "payscoregen diff: -format %q: want text or markdown\n", *format)
		return errUsage
	}
	// A side that does not load is trouble (exit 2), as for diff(1): no
	// comparison was made, so "no breaking change" would be a lie.
	oldSpec, oldName, err := specdiff.Load(pos[0], *specDir)
	if err != nil {
		fmt.Fprintf(stderr, "payscoregen diff: OLD %s does not load:\n%v\n", pos[0], err)
		return errUsage
	}
	newSpec, newName, err := specdiff.Load(pos[1], *specDir)
	if err != nil {
		fmt.Fprintf(stderr, "payscoregen diff: NEW %s does not load:\n%v\n", pos[1], err)
		return errUsage
	}

	changes := specdiff.Compare(oldSpec, newSpec)
	if *format == "markdown" {
		err = specdiff.WriteMarkdown(stdout, changes, oldName, newName)
	} else {
		err = specdiff.WriteText(stdout, changes)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s -> %s: %s\n", oldName, newName, specdiff.Summary(changes))
	if hi, any := specdiff.Highest(changes); any && hi >= threshold && !never {
		return fmt.Errorf("payscoregen diff: changes at level %s or above (-fail-on %s)", threshold, threshold)
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
