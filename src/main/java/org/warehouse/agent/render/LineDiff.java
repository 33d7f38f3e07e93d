package org.warehouse.agent.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Myers' O(ND) line diff: the shortest edit script between two line lists. Common head and tail are
 * trimmed first; a middle too large for the quadratic trace is replaced whole.
 */
final class LineDiff {
  /** Beyond this many differing lines on both sides, replace the middle instead of diffing it. */
  static final int MAX_MIDDLE = 5000;

  enum Op {
    EQUAL,
    DELETE,
    INSERT
  }

  /** One step of the script: {@code oldIndex} for EQUAL and DELETE, {@code newIndex} for INSERT. */
  record Edit(Op op, int oldIndex, int newIndex) {}

  private LineDiff() {}

  static List<Edit> diff(List<String> a, List<String> b) {
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head
        && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    List<Edit> edits = new ArrayList<>();
    for (int i = 0; i < head; i++) {
      edits.add(new Edit(Op.EQUAL, i, i));
    }
    List<String> am = a.subList(head, a.size() - tail);
    List<String> bm = b.subList(head, b.size() - tail);
    if (am.size() + bm.size() > MAX_MIDDLE) {
      for (int i = 0; i < am.size(); i++) {
        edits.add(new Edit(Op.DELETE, head + i, -1));
      }
      for (int j = 0; j < bm.size(); j++) {
        edits.add(new Edit(Op.INSERT, -1, head + j));
      }
    } else {
      for (Edit e : myers(am, bm)) {
        edits.add(
            new Edit(
                e.op(),
                e.oldIndex() < 0 ? -1 : e.oldIndex() + head,
                e.newIndex() < 0 ? -1 : e.newIndex() + head));
      }
    }
    for (int t = tail; t > 0; t--) {
      edits.add(new Edit(Op.EQUAL, a.size() - t, b.size() - t));
    }
    return edits;
  }

  private static List<Edit> myers(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int max = n + m;
    if (max == 0) {
      return List.of();
    }
    int off = max + 1;
    int[] v = new int[2 * max + 3];
    List<int[]> trace = new ArrayList<>();
    found:
    for (int d = 0; d <= max; d++) {
      trace.add(v.clone());
      for (int k = -d; k <= d; k += 2) {
        int x =
            (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                ? v[off + k + 1]
                : v[off + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a.get(x).equals(b.get(y))) {
          x++;
          y++;
        }
        v[off + k] = x;
        if (x >= n && y >= m) {
          break found;
        }
      }
    }
    List<Edit> out = new ArrayList<>();
    int x = n;
    int y = m;
    for (int d = trace.size() - 1; d >= 0; d--) {
      int[] vv = trace.get(d);
      int k = x - y;
      int prevK = (k == -d || (k != d && vv[off + k - 1] < vv[off + k + 1])) ? k + 1 : k - 1;
      int prevX = d == 0 ? 0 : vv[off + prevK];
      int prevY = d == 0 ? 0 : prevX - prevK;
      while (x > prevX && y > prevY) {
        out.add(new Edit(Op.EQUAL, x - 1, y - 1));
        x--;
        y--;
      }
      if (d > 0) {
        if (x == prevX) {
          out.add(new Edit(Op.INSERT, -1, y - 1));
        } else {
          out.add(new Edit(Op.DELETE, x - 1, -1));
        }
      }
      x = prevX;
      y = prevY;
    }
    Collections.reverse(out);
    return out;
  }
}
