; ModuleID = 'grad.c'
source_filename = "grad.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@__const.main.x = private unnamed_addr constant [4 x double] [double 0.000000e+00, double 1.000000e+00, double 2.000000e+00, double 3.000000e+00], align 16
@__const.main.y = private unnamed_addr constant [4 x double] [double 1.000000e+00, double 2.500000e+00, double 5.500000e+00, double 7.000000e+00], align 16
@enzyme_dup = external local_unnamed_addr global i32, align 4
@enzyme_out = external local_unnamed_addr global i32, align 4
@enzyme_const = external local_unnamed_addr global i32, align 4
@.str = private unnamed_addr constant [74 x i8] c"dL/dw = %g (forward mode %g, expected -5.25), dL/db = %g (expected -2.5)\0A\00", align 1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define dso_local double @loss(ptr noundef readonly captures(none) %0, double noundef %1, ptr noundef readonly captures(none) %2, ptr noundef readonly captures(none) %3, i32 noundef %4) #0 {
  %6 = icmp sgt i32 %4, 0
  br i1 %6, label %7, label %27

7:                                                ; preds = %5
  %8 = load double, ptr %0, align 8, !tbaa !9
  %9 = zext nneg i32 %4 to i64
  %10 = and i64 %9, 1
  %11 = icmp eq i32 %4, 1
  br i1 %11, label %16, label %12

12:                                               ; preds = %7
  %13 = and i64 %9, 2147483646
  br label %31

14:                                               ; preds = %31
  %15 = icmp eq i64 %10, 0
  br i1 %15, label %27, label %16

16:                                               ; preds = %14, %7
  %17 = phi i64 [ 0, %7 ], [ %50, %14 ]
  %18 = phi double [ 0.000000e+00, %7 ], [ %49, %14 ]
  %19 = icmp ne i64 %10, 0
  tail call void @llvm.assume(i1 %19)
  %20 = getelementptr inbounds nuw double, ptr %2, i64 %17
  %21 = load double, ptr %20, align 8, !tbaa !9
  %22 = tail call double @llvm.fmuladd.f64(double %8, double %21, double %1)
  %23 = getelementptr inbounds nuw double, ptr %3, i64 %17
  %24 = load double, ptr %23, align 8, !tbaa !9
  %25 = fsub double %22, %24
  %26 = tail call double @llvm.fmuladd.f64(double %25, double %25, double %18)
  br label %27

27:                                               ; preds = %16, %14, %5
  %28 = phi double [ 0.000000e+00, %5 ], [ %49, %14 ], [ %26, %16 ]
  %29 = sitofp i32 %4 to double
  %30 = fdiv double %28, %29
  ret double %30

31:                                               ; preds = %31, %12
  %32 = phi i64 [ 0, %12 ], [ %50, %31 ]
  %33 = phi double [ 0.000000e+00, %12 ], [ %49, %31 ]
  %34 = phi i64 [ 0, %12 ], [ %51, %31 ]
  %35 = getelementptr inbounds nuw double, ptr %2, i64 %32
  %36 = load double, ptr %35, align 8, !tbaa !9
  %37 = tail call double @llvm.fmuladd.f64(double %8, double %36, double %1)
  %38 = getelementptr inbounds nuw double, ptr %3, i64 %32
  %39 = load double, ptr %38, align 8, !tbaa !9
  %40 = fsub double %37, %39
  %41 = tail call double @llvm.fmuladd.f64(double %40, double %40, double %33)
  %42 = or disjoint i64 %32, 1
  %43 = getelementptr inbounds nuw double, ptr %2, i64 %42
  %44 = load double, ptr %43, align 8, !tbaa !9
  %45 = tail call double @llvm.fmuladd.f64(double %8, double %44, double %1)
  %46 = getelementptr inbounds nuw double, ptr %3, i64 %42
  %47 = load double, ptr %46, align 8, !tbaa !9
  %48 = fsub double %45, %47
  %49 = tail call double @llvm.fmuladd.f64(double %48, double %48, double %41)
  %50 = add nuw nsw i64 %32, 2
  %51 = add i64 %34, 2
  %52 = icmp eq i64 %51, %13
  br i1 %52, label %14, label %31, !llvm.loop !11
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(ptr captures(none)) #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #2

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(ptr captures(none)) #1

; Function Attrs: nounwind uwtable
define dso_local range(i32 0, 2) i32 @main() local_unnamed_addr #3 {
  %1 = alloca [4 x double], align 16
  %2 = alloca [4 x double], align 16
  %3 = alloca double, align 8
  %4 = alloca double, align 8
  %5 = alloca double, align 8
  call void @llvm.lifetime.start.p0(ptr nonnull %1) #8
  call void @llvm.memcpy.p0.p0.i64(ptr noundef nonnull align 16 dereferenceable(32) %1, ptr noundef nonnull align 16 dereferenceable(32) @__const.main.x, i64 32, i1 false)
  call void @llvm.lifetime.start.p0(ptr nonnull %2) #8
  call void @llvm.memcpy.p0.p0.i64(ptr noundef nonnull align 16 dereferenceable(32) %2, ptr noundef nonnull align 16 dereferenceable(32) @__const.main.y, i64 32, i1 false)
  call void @llvm.lifetime.start.p0(ptr nonnull %3) #8
  store double 1.500000e+00, ptr %3, align 8, !tbaa !9
  call void @llvm.lifetime.start.p0(ptr nonnull %4) #8
  store double 0.000000e+00, ptr %4, align 8, !tbaa !9
  %6 = load i32, ptr @enzyme_dup, align 4, !tbaa !5
  %7 = load i32, ptr @enzyme_out, align 4, !tbaa !5
  %8 = load i32, ptr @enzyme_const, align 4, !tbaa !5
  %9 = call double (ptr, ...) @__enzyme_autodiff(ptr noundef nonnull @loss, i32 noundef %6, ptr noundef nonnull %3, ptr noundef nonnull %4, i32 noundef %7, double noundef 5.000000e-01, i32 noundef %8, ptr noundef nonnull %1, i32 noundef %8, ptr noundef nonnull %2, i32 noundef %8, i32 noundef 4) #8
  call void @llvm.lifetime.start.p0(ptr nonnull %5) #8
  store double 1.000000e+00, ptr %5, align 8, !tbaa !9
  %10 = load i32, ptr @enzyme_dup, align 4, !tbaa !5
  %11 = load i32, ptr @enzyme_const, align 4, !tbaa !5
  %12 = call double (ptr, ...) @__enzyme_fwddiff(ptr noundef nonnull @loss, i32 noundef %10, ptr noundef nonnull %3, ptr noundef nonnull %5, double noundef 5.000000e-01, double noundef 0.000000e+00, i32 noundef %11, ptr noundef nonnull %1, i32 noundef %11, ptr noundef nonnull %2, i32 noundef %11, i32 noundef 4) #8
  %13 = load double, ptr %4, align 8, !tbaa !9
  %14 = call i32 (ptr, ...) @printf(ptr noundef nonnull dereferenceable(1) @.str, double noundef %13, double noundef %12, double noundef %9)
  %15 = load double, ptr %4, align 8, !tbaa !9
  %16 = fadd double %15, 5.250000e+00
  %17 = call double @llvm.fabs.f64(double %16)
  %18 = fcmp olt double %17, 0x3D719799812DEA11
  br i1 %18, label %19, label %28

19:                                               ; preds = %0
  %20 = fadd double %12, 5.250000e+00
  %21 = call double @llvm.fabs.f64(double %20)
  %22 = fcmp olt double %21, 0x3D719799812DEA11
  br i1 %22, label %23, label %28

23:                                               ; preds = %19
  %24 = fadd double %9, 2.500000e+00
  %25 = call double @llvm.fabs.f64(double %24)
  %26 = fcmp uge double %25, 0x3D719799812DEA11
  %27 = zext i1 %26 to i32
  br label %28

28:                                               ; preds = %23, %19, %0
  %29 = phi i32 [ 1, %19 ], [ 1, %0 ], [ %27, %23 ]
  call void @llvm.lifetime.end.p0(ptr nonnull %5) #8
  call void @llvm.lifetime.end.p0(ptr nonnull %4) #8
  call void @llvm.lifetime.end.p0(ptr nonnull %3) #8
  call void @llvm.lifetime.end.p0(ptr nonnull %2) #8
  call void @llvm.lifetime.end.p0(ptr nonnull %1) #8
  ret i32 %29
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(argmem: readwrite)
declare void @llvm.memcpy.p0.p0.i64(ptr noalias writeonly captures(none), ptr noalias readonly captures(none), i64, i1 immarg) #4

declare double @__enzyme_autodiff(ptr noundef, ...) local_unnamed_addr #5

declare double @__enzyme_fwddiff(ptr noundef, ...) local_unnamed_addr #5

; Function Attrs: nofree nounwind
declare noundef i32 @printf(ptr noundef readonly captures(none), ...) local_unnamed_addr #6

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fabs.f64(double) #2

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #7

attributes #0 = { nofree norecurse nosync nounwind memory(argmem: read) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #2 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #4 = { mustprogress nocallback nofree nounwind willreturn memory(argmem: readwrite) }
attributes #5 = { "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #6 = { nofree nounwind "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #7 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #8 = { nounwind }

!llvm.module.flags = !{!0, !1, !2, !3}
!llvm.ident = !{!4}
!llvm.errno.tbaa = !{!5}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 8, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 2}
!4 = !{!"Debian clang version 22.1.8 (1~deb12u1)"}
!5 = !{!6, !6, i64 0}
!6 = !{!"int", !7, i64 0}
!7 = !{!"omnipotent char", !8, i64 0}
!8 = !{!"Simple C/C++ TBAA"}
!9 = !{!10, !10, i64 0}
!10 = !{!"double", !7, i64 0}
!11 = distinct !{!11, !12}
!12 = !{!"llvm.loop.mustprogress"}
