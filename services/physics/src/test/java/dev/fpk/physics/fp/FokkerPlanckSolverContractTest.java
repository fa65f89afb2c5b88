package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of every {@link FokkerPlanckSolver}: mass, positivity, consistency, step handler.
 */
class FokkerPlanckSolverContractTest {
  static final Grid1D G = Grid1D.of(-1, 1, 48);

  static double[] drift(Grid1D g, double phase) {
    double[] mu = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = 0.3 * Math.sin(5 * g.centre(i) + phase) - 0.1 * g.centre(i);
    }
    return mu;
  }

  static double[] diffusion(Grid1D g) {
    double[] d = new double[g.cells()];
    for (int i = 0; i < d.length; i++) {
      d[i] = 2e-4 + 1e-3 * g.centre(i) * g.centre(i);
    }
    return d;
  }

  static Stream<Arguments> solvers() {
    List<Arguments> out = new ArrayList<>();
    for (TimeScheme scheme : TimeScheme.values()) {
      Supplier<FokkerPlanckSolver> one =
          () -> {
            FokkerPlanck1D fp = new FokkerPlanck1D(G, scheme);
            fp.setFields(drift(G, 0), diffusion(G));
            return fp;
          };
      Supplier<FokkerPlanckSolver> batch =
          () -> {
            BatchFokkerPlanck1D b = new BatchFokkerPlanck1D(3, G, scheme);
            for (int e = 0; e < 3; e++) {
              b.setFields(e, drift(G, e), diffusion(G), 0);
            }
            return b;
          };
      Supplier<FokkerPlanckSolver> tensor =
          () -> {
            Grid1D gy = Grid1D.of(0, 1, 10);
            TensorFokkerPlanck t = new TensorFokkerPlanck(new Grid1D[] {G, gy}, scheme);
            int n = t.size();
            double[] mu = new double[n];
            double[] d = new double[n];
            double[] dx = drift(G, 0);
            double[] ddx = diffusion(G);
            for (int c = 0; c < n; c++) {
              mu[c] = dx[c / 10] * (1 + 0.1 * (c % 10));
              d[c] = ddx[c / 10];
            }
            t.setFields(0, mu, d);
            double[] muy = new double[n];
            for (int c = 0; c < n; c++) {
              muy[c] = -0.05 * (c % 10 - 4.5) * 0.1;
            }
            t.setFields(1, muy, d);
            return t;
          };
      out.add(Arguments.of("1-D " + scheme, one));
      out.add(Arguments.of("batch " + scheme, batch));
      out.add(Arguments.of("tensor 2-D " + scheme, tensor));
    }
    return out.stream();
  }

  static double[] spike(int n) {
    double[] p = new double[n];
    p[n / 5] = 50;
    p[n / 5 + 1] = 25;
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("solvers")
  void shouldConserveMassTo1e12AndStayNonNegative(String name, Supplier<FokkerPlanckSolver> make) {
    FokkerPlanckSolver fp = make.get();
    double[] p = spike(fp.size());
    double m0 = fp.mass(p);
    for (int k = 0; k < 30; k++) {
      fp.advance(p, 4, 3);
      assertEquals(m0, fp.mass(p), 1e-12 * m0);
      for (double v : p) {
        assertTrue(v >= 0, "negative density " + v);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("solvers")
  void shouldGiveTheSameResultInOneCallOrTwo(String name, Supplier<FokkerPlanckSolver> make) {
    FokkerPlanckSolver a = make.get();
    FokkerPlanckSolver b = make.get();
    double[] p = spike(a.size());
    double[] q = p.clone();
    a.advance(p, 10, 10);
    b.advance(q, 5, 5);
    b.advance(q, 5, 5);
    assertArrayEquals(p, q, 0);
    a.advance(p, 0, 1);
    assertArrayEquals(q, p, 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("solvers")
  void shouldReportEverySubstepToTheStepHandler(String name, Supplier<FokkerPlanckSolver> make) {
    FokkerPlanckSolver fp = make.get();
    FokkerPlanckSolver ref = make.get();
    double[] p = spike(fp.size());
    double[] q = p.clone();
    List<Double> times = new ArrayList<>();
    double[] finished = new double[1];
    fp.advance(
        p,
        6,
        4,
        new StepHandler() {
          @Override
          public void handleStep(double t, double[] density) {
            times.add(t);
          }

          @Override
          public void finish(double t, double[] density) {
            finished[0] = t;
          }
        });
    ref.advance(q, 6, 4);
    assertEquals(List.of(1.5, 3.0, 4.5, 6.0), times);
    assertEquals(6, finished[0]);
    assertArrayEquals(q, p, 0);
  }
}
