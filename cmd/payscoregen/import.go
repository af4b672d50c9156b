package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/payscoregen/payscoregen/internal/importer"
)

const importSynopsis = `import [-o DIR] FILE|-

Reads the text of a WeChat Pay doc page (as copied from the browser; - reads
stdin) and prints a spec draft. Text holding several pages gives one YAML
document per page, or one file per page with -o. Every "# TODO:" marks what
the page does not say; payscoregen check fails on the lines that still need
a value.`

func runImport(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", importSynopsis, stderr)
	outDir := fs.String("o", "", "write one file per page into this directory instead of printing")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "payscoregen import: want one FILE (or - for stdin), got %d argument(s)\n", len(pos))
		fs.Usage()
		return errUsage
	}
	name := pos[0]
	var text []byte
	if name == "-" {
		text, err = io.ReadAll(io.LimitReader(stdin, importer.MaxInput+1))
	} else {
		text, err = readLimited(name)
	}
	if err != nil {
		return fmt.Errorf("payscoregen import: %w", err)
	}
	res, err := importer.Import(name, text)
	if err != nil {
		return fmt.Errorf("payscoregen import: %s: %w", name, err)
	}
	total := 0
	for i, d := range res.Drafts {
		total += d.TODOs
		if *outDir != "" {
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout, "---")
		}
		if _, err := stdout.Write(d.YAML); err != nil {
			return err
		}
	}
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fmt.Errorf("payscoregen import: %w", err)
		}
		for _, d := range res.Drafts {
			target := filepath.Join(*outDir, d.File)
			if err := os.WriteFile(target, d.YAML, 0o644); err != nil {
				return fmt.Errorf("payscoregen import: %w", err)
			}
			fmt.Fprintf(stderr, "wrote %s (%d TODOs)\n", target, d.TODOs)
		}
	}
	fmt.Fprintf(stderr, "%s: %d page(s), %d TODO(s) to review\n", name, len(res.Drafts), total)
	if res.Stopped != "" {
		fmt.Fprintf(stderr, "%s: %s; the draft holds everything before it\n", name, res.Stopped)
	}
	return nil
}

// readLimited reads a file of at most importer.MaxInput bytes (the importer
// reports a larger one).
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, importer.MaxInput+1))
}
