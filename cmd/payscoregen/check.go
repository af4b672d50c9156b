package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [-spec DIR]", stderr)
	dir := fs.String("spec", "spec", "spec directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := loadSpec(*dir, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files, %s: ok\n", *dir, len(s.Files), s.Summary())
	return nil
}

// loadSpec loads dir; on problems the error lists them all and counts them,
// followed by consequence (such as "nothing was written") when given.
func loadSpec(dir, consequence string) (*spec.Spec, error) {
	s, err := spec.LoadDir(dir)
	var problems spec.Problems
	if errors.As(err, &problems) {
		msg := fmt.Sprintf("%d problem(s) in %s", len(problems), dir)
		if consequence != "" {
			msg += "; " + consequence
		}
		return nil, fmt.Errorf("%w\n%s", problems, msg)
	}
	return s, err
}
