# The riscv64 test kernel: a bare ELF for QEMU's virt machine, loaded by `-kernel` and started by
# QEMU's default firmware, OpenSBI (fw_dynamic), in S-mode with a1 pointing at the device tree.
#
# It writes to the NS16550 UART at 0x10000000 (connected to stdout by -serial stdio):
#   qemuc-test-kernel: riscv64 up
#   cmdline: <the device tree's /chosen/bootargs, which QEMU sets from -append, byte for byte>
#   qemuc-test-kernel: exit 42
# and then writes (42 << 16) | 0x3333 to the virt machine's test device ("sifive_test") at
# 0x100000, so QEMU exits with status 42. Without -append, or with an empty one, there is no
# bootargs and the cmdline line is empty; without a device tree it says
# `cmdline: (no device tree)`. Any trap prints `qemuc-test-kernel: exception` and halts, so that a
# fault shows on stdout instead of a silent hang.
#
# If the command line contains `qemuc-test.hold`, it prints `qemuc-test-kernel: holding` instead
# of exiting and halts until QEMU is killed, as the x86_64 kernel does.
#
# OpenSBI jumps to the lowest address the ELF loads, not to its entry point: riscv64.ld puts
# _start there, at 0x80200000, after OpenSBI's 2 MiB.
#
# Built by tests/e2e/meson.build: riscv64-linux-gnu-as, then riscv64-linux-gnu-ld with riscv64.ld.

        .set UART_BASE, 0x10000000
        .set UART_DATA, 0                       # THR, when written
        .set UART_LINE_STATUS, 5                # LSR
        .set LINE_STATUS_THR_EMPTY, 0x20        # the transmitter can take another byte
        .set LINE_STATUS_IDLE, 0x40             # ... and has sent every byte
        .set TEST_DEVICE, 0x100000              # sifive_test: a write ends QEMU
        .set TEST_FAIL, 0x3333                  # (status << 16) | 0x3333: exit with status
        .set EXIT_STATUS, 42
        .set FDT_MAGIC, 0xd00dfeed              # the header's fields are big-endian
        .set FDT_OFF_DT_STRUCT, 8
        .set FDT_OFF_DT_STRINGS, 12
        .set FDT_BEGIN_NODE, 1                  # the structure block's tokens
        .set FDT_END_NODE, 2
        .set FDT_PROP, 3
        .set FDT_NOP, 4

        .text
        .globl _start
# Entered in S-mode, the MMU off, with a0 = the hart's id and a1 = the device tree's address.
_start:
        la sp, stack_top
        la t0, exception
        csrw stvec, t0
        li s1, UART_BASE                        # s1: the UART, for puts and drain
        mv s0, a1                               # s0: the device tree

        la a0, banner
        call puts
        la a0, cmdline_label
        call puts
        mv a0, s0
        call find_bootargs
        mv s2, a0                               # s2: the command line, kept for the hold check
        call puts
        la a0, newline
        call puts

        mv a0, s2
        la a1, hold_word
        call contains
        bnez a0, hold

        la a0, exit_message
        call puts
        call drain                              # let the UART send the last byte first
        li t0, TEST_DEVICE
        li t1, (EXIT_STATUS << 16) | TEST_FAIL
        sw t1, 0(t0)
        j halt                                  # only reached without the test device

hold:
        la a0, hold_message
        call puts
halt:
        wfi
        j halt

# Writes the NUL-terminated string at a0 to the UART at s1. Clobbers a0, t0, t1.
puts:
        lbu t0, 0(a0)
        beqz t0, 2f
1:      lbu t1, UART_LINE_STATUS(s1)
        andi t1, t1, LINE_STATUS_THR_EMPTY
        beqz t1, 1b
        sb t0, UART_DATA(s1)
        addi a0, a0, 1
        j puts
2:      ret

# Waits until the UART at s1 has sent every byte. Clobbers t1.
drain:
        lbu t1, UART_LINE_STATUS(s1)
        andi t1, t1, LINE_STATUS_IDLE
        beqz t1, drain
        ret

# a0: the big-endian 32-bit value at a0, read byte by byte (any alignment). Clobbers t0, t1.
load_be32:
        lbu t0, 0(a0)
        lbu t1, 1(a0)
        slli t0, t0, 8
        or t0, t0, t1
        lbu t1, 2(a0)
        slli t0, t0, 8
        or t0, t0, t1
        lbu t1, 3(a0)
        slli t0, t0, 8
        or a0, t0, t1
        ret

# a0: the value of /chosen/bootargs (a NUL-terminated string) in the device tree at a0; an empty
# string if it has none; `(no device tree)` if a0 does not point at one. Walks the structure
# block token by token. Clobbers a0, a1, t0, t1.
find_bootargs:
        addi sp, sp, -64
        sd ra, 0(sp)
        sd s2, 8(sp)
        sd s3, 16(sp)
        sd s4, 24(sp)
        sd s5, 32(sp)
        sd s6, 40(sp)
        sd s7, 48(sp)
        mv s2, a0                               # s2: the header
        beqz s2, no_tree
        call load_be32
        li t0, FDT_MAGIC
        bne a0, t0, no_tree
        addi a0, s2, FDT_OFF_DT_STRUCT
        call load_be32
        add s3, s2, a0                          # s3: the next token
        addi a0, s2, FDT_OFF_DT_STRINGS
        call load_be32
        add s4, s2, a0                          # s4: the strings block
        li s5, 0                                # s5: depth (the root node is at 1)
        li s6, 0                                # s6: 1 while inside /chosen
next_token:
        mv a0, s3
        call load_be32
        addi s3, s3, 4
        li t0, FDT_NOP
        beq a0, t0, next_token
        li t0, FDT_BEGIN_NODE
        beq a0, t0, begin_node
        li t0, FDT_END_NODE
        beq a0, t0, end_node
        li t0, FDT_PROP
        beq a0, t0, property
        j not_found                             # FDT_END, or a token we do not know
begin_node:                                     # a node: its NUL-terminated name follows
        addi s5, s5, 1
        li t0, 2
        bne s5, t0, skip_name
        mv a0, s3
        la a1, chosen_name
        call strings_equal
        mv s6, a0
skip_name:                                      # skip the name and its padding
        lbu t0, 0(s3)
        addi s3, s3, 1
        bnez t0, skip_name
        addi s3, s3, 3
        andi s3, s3, -4
        j next_token
end_node:
        addi s5, s5, -1
        li t0, 1
        bne s5, t0, next_token
        bnez s6, not_found                      # /chosen ended without bootargs
        j next_token
property:                                       # length, name offset, value
        mv a0, s3
        call load_be32
        mv s7, a0                               # s7: the value's length
        addi a0, s3, 4
        call load_be32
        addi s3, s3, 8
        li t0, 2
        bne s5, t0, skip_value                  # at depth 2 and inside /chosen?
        beqz s6, skip_value
        add a0, s4, a0
        la a1, bootargs_name
        call strings_equal
        beqz a0, skip_value
        mv a0, s3                               # the value: a NUL-terminated string (QEMU
        j found_bootargs                        # writes it so; one without its NUL would end
                                                # at the next token, whose first byte is 0)
skip_value:                                     # skip the value and its padding
        add s3, s3, s7
        addi s3, s3, 3
        andi s3, s3, -4
        j next_token
not_found:
        la a0, empty
        j found_bootargs
no_tree:
        la a0, no_device_tree
found_bootargs:
        ld ra, 0(sp)
        ld s2, 8(sp)
        ld s3, 16(sp)
        ld s4, 24(sp)
        ld s5, 32(sp)
        ld s6, 40(sp)
        ld s7, 48(sp)
        addi sp, sp, 64
        ret

# a0: 1 if the NUL-terminated strings at a0 and a1 are equal, else 0. Clobbers a1, t0, t1.
strings_equal:
        lbu t0, 0(a0)
        lbu t1, 0(a1)
        bne t0, t1, 1f
        addi a0, a0, 1
        addi a1, a1, 1
        bnez t0, strings_equal
        li a0, 1
        ret
1:      li a0, 0
        ret

# a0: 1 if the NUL-terminated string at a0 contains the one at a1, else 0. Clobbers t0-t3.
contains:
        mv t3, a0                               # where the current attempt starts
1:      li t2, 0                                # offset into both strings
2:      add t0, a1, t2
        lbu t0, 0(t0)
        beqz t0, 4f                             # the whole word matched
        add t1, t3, t2
        lbu t1, 0(t1)
        bne t0, t1, 3f
        addi t2, t2, 1
        j 2b
3:      lbu t0, 0(t3)                           # no match here: the next start, if any
        beqz t0, 5f
        addi t3, t3, 1
        j 1b
4:      li a0, 1
        ret
5:      li a0, 0
        ret

# Every trap ends here (stvec, direct mode: 4-byte aligned).
        .balign 4
exception:
        li s1, UART_BASE
        la a0, exception_message
        call puts
        j halt

        .section .rodata
banner:            .asciz "qemuc-test-kernel: riscv64 up\n"
cmdline_label:     .asciz "cmdline: "
newline:           .asciz "\n"
empty:             .asciz ""
no_device_tree:    .asciz "(no device tree)"
chosen_name:       .asciz "chosen"
bootargs_name:     .asciz "bootargs"
hold_word:         .asciz "qemuc-test.hold"
hold_message:      .asciz "qemuc-test-kernel: holding\n"
exit_message:      .asciz "qemuc-test-kernel: exit 42\n"
exception_message: .asciz "qemuc-test-kernel: exception\n"

        .bss
        .balign 16
        .skip 4096
stack_top:
