package state

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The files of a Local store with a directory: one JSON file per durable
// value (written atomically) and one JSON-lines file per durable log
// (appended, rewritten when it holds twice the entries it keeps). A torn
// last line after a crash is skipped on load.

type valueFile struct {
	Key  string    `json:"key"`
	Exp  time.Time `json:"exp,omitzero"`
	Data []byte    `json:"data"`
}

type logLine struct {
	Log  string    `json:"log"`
	Seq  int64     `json:"seq"`
	Exp  time.Time `json:"exp,omitzero"`
	Max  int       `json:"max,omitempty"`
	Data []byte    `json:"data"`
}

func fileName(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:16])
}

func (l *Local) valuePath(key string) string {
	return filepath.Join(l.dir, "values", fileName(key)+".json")
}

func (l *Local) logPath(log string) string {
	return filepath.Join(l.dir, "logs", fileName(log)+".jsonl")
}

// saveValue writes a durable value (l.mu held).
func (l *Local) saveValue(key string, v value) error {
	if l.dir == "" || !durable(key) {
		return nil
	}
	b, err := json.Marshal(valueFile{Key: key, Exp: v.exp, Data: v.data})
	if err != nil {
		return err
	}
	return writeAtomic(l.valuePath(key), b)
}

func (l *Local) removeValue(key string) {
	if l.dir != "" && durable(key) {
		_ = os.Remove(l.valuePath(key))
	}
}

func (l *Local) removeLog(log string) {
	if l.dir != "" && durable(log) {
		_ = os.Remove(l.logPath(log))
	}
}

// saveAppend appends e to a durable log's file, compacting it when it has
// grown to twice what the log keeps (l.mu held).
func (l *Local) saveAppend(log string, lg *memLog, e Entry) error {
	if l.dir == "" || !durable(log) {
		return nil
	}
	if lg.opt.Max > 0 && lg.lines >= 2*lg.opt.Max {
		lg.lines = 0
		return l.compact(log, lg)
	}
	b, err := json.Marshal(logLine{Log: log, Seq: e.Seq, Exp: lg.exp, Max: lg.opt.Max, Data: e.Data})
	if err != nil {
		return err
	}
	p := l.logPath(log)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("state log: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	lg.lines++
	return err
}

// compact rewrites a log's file with the entries it keeps.
func (l *Local) compact(log string, lg *memLog) error {
	var buf []byte
	for _, e := range lg.entries {
		b, err := json.Marshal(logLine{Log: log, Seq: e.Seq, Exp: lg.exp, Max: lg.opt.Max, Data: e.Data})
		if err != nil {
			return err
		}
		buf = append(append(buf, b...), '\n')
		lg.lines++
	}
	return writeAtomic(l.logPath(log), buf)
}

// load reads the durable values and logs back, dropping expired ones.
func (l *Local) load() {
	now := l.now()
	vals, _ := filepath.Glob(filepath.Join(l.dir, "values", "*.json"))
	for _, p := range vals {
		b, err := os.ReadFile(p)
		var vf valueFile
		if err != nil || json.Unmarshal(b, &vf) != nil || vf.Key == "" || expired(vf.Exp, now) {
			_ = os.Remove(p) // a corrupt or expired record is discarded, not trusted
			continue
		}
		if set, member, ok := strings.Cut(vf.Key, setSep); ok {
			if l.sets[set] == nil {
				l.sets[set] = map[string]time.Time{}
			}
			l.sets[set][member] = vf.Exp
			continue
		}
		l.values[vf.Key] = value{data: vf.Data, exp: vf.Exp}
	}
	logs, _ := filepath.Glob(filepath.Join(l.dir, "logs", "*.jsonl"))
	for _, p := range logs {
		l.loadLog(p, now)
	}
}

func (l *Local) loadLog(p string, now time.Time) {
	f, err := os.Open(p)
	if err != nil {
		return
	}
	defer f.Close()
	var name string
	lg := &memLog{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var ln logLine
		if json.Unmarshal(sc.Bytes(), &ln) != nil || ln.Log == "" {
			continue
		}
		name = ln.Log
		lg.entries = append(lg.entries, Entry{Seq: ln.Seq, Data: ln.Data})
		lg.exp, lg.opt.Max = ln.Exp, ln.Max
		lg.lines++
	}
	if name == "" || expired(lg.exp, now) {
		_ = os.Remove(p)
		return
	}
	sort.Slice(lg.entries, func(i, j int) bool { return lg.entries[i].Seq < lg.entries[j].Seq })
	if n := len(lg.entries); n > 0 {
		lg.last = lg.entries[n-1].Seq
	}
	if lg.opt.Max > 0 && len(lg.entries) > lg.opt.Max {
		lg.entries = lg.entries[len(lg.entries)-lg.opt.Max:]
	}
	l.logs[name] = lg
}

// writeAtomic writes b to path through a synced temp file and a rename.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("state file: %w", err)
	}
	return nil
}
