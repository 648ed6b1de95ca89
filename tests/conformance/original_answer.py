"""The program from the accepted answer to "How to use a multiprocessing.Manager()?", whose
``after`` table is the question mpconform started from. Run as a script:
``python original_answer.py START_METHOD``; prints each slot's value after the child ran, one
``slot=value`` per line. Standalone on purpose: no mpconform imports.
"""

import multiprocessing
import sys


def change(ns, ls, di):
    ns.x += 1                # direct assign
    ns.y[0] += 1             # nested unmanaged: lost
    ns_z = ns.z              # reassign back
    ns_z[0] += 1
    ns.z = ns_z

    ls[0] += 1
    ls[1][0] += 1
    ls_2 = ls[2]
    ls_2[0] += 1
    ls[2] = ls_2
    ls[3][0] += 1            # nested managed

    di[0] += 1
    di[1][0] += 1
    di_2 = di[2]
    di_2[0] += 1
    di[2] = di_2
    di[3][0] += 1


def main(start_method):
    context = multiprocessing.get_context(start_method)
    with context.Manager() as manager:
        ns = manager.Namespace()
        ns.x = 1
        ns.y = [1]
        ns.z = [1]
        ls = manager.list([1, [1], [1], manager.list([1])])
        di = manager.dict({0: 1, 1: [1], 2: [1], 3: manager.list([1])})
        child = context.Process(target=change, args=(ns, ls, di))
        child.start()
        child.join()
        after = [("ns.x", ns.x), ("ns.y", ns.y), ("ns.z", ns.z)]
        after += [("ls[%d]" % i, ls[i]) for i in range(3)] + [("ls[3]", list(ls[3]))]
        after += [("di[%d]" % i, di[i]) for i in range(3)] + [("di[3]", list(di[3]))]
        for slot, value in after:
            print("%s=%r" % (slot, value))
        return child.exitcode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
