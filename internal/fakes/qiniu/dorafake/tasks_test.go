package dorafake

import (
	"fmt"
	"testing"
)

// A long sandbox session stays flat: past maxTasks the oldest finished
// tasks are dropped from every table, and an unfinished one never is.
func TestFinishedTasksAreDropped(t *testing.T) {
	s := New(Options{AccessKey: "ak", SecretKey: "sk"})
	defer s.Close()
	s.mu.Lock()
	running := &lasrTask{id: "running", state: 1}
	s.lasr[running.id] = running
	s.addTaskLocked(running)
	for i := 0; i < maxTasks+200; i++ {
		done := &lasrTask{id: fmt.Sprint("l", i), state: 3}
		s.lasr[done.id] = done
		s.addTaskLocked(done)
		a := &audioTask{id: fmt.Sprint("a", i)}
		s.audios[a.id] = a
		s.addTaskLocked(a)
	}
	lasr, audios, order := len(s.lasr), len(s.audios), len(s.order)
	_, kept := s.lasr["running"]
	_, newest := s.lasr[fmt.Sprint("l", maxTasks+199)]
	s.mu.Unlock()
	if order != maxTasks || lasr+audios != maxTasks {
		t.Errorf("tasks kept: order %d, lasr %d + audio %d; want %d in all", order, lasr, audios, maxTasks)
	}
	if !kept || !newest {
		t.Errorf("unfinished task kept %v, newest finished kept %v; want both", kept, newest)
	}
}
